/**
 * Local accounts (console.accounts: a JSON file of scrypt password hashes, 0600): development sign-in. STUB: the
 * auth helper fills these in; the signatures are the contract the test harness and `ordo stack up` use.
 */

/** Adds (or replaces the password of) `name`. Creates the file (0600) and its folder when missing. */
export function addLocalAccount(_file: string, _name: string, _password: string): void {
  throw new Error('addLocalAccount: not built yet');
}

/** Whether `password` is `name`'s (constant-time compare); false for an unknown name or a missing file. */
export function checkPassword(_file: string, _name: string, _password: string): boolean {
  return false;
}
