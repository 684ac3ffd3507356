/**
 * Wrong passwords slow down guessing (console/auth.ts): per name, the first FREE mistakes cost nothing, then each
 * one doubles a wait (1 s, 2 s, 4 s … up to MAX_WAIT) before that name may try again. A right password clears it.
 * In memory: a restart forgets, which is fine for a console behind a deployment's own sign-in (OIDC) and for
 * development accounts.
 */

const FREE = 3;
const MAX_WAIT_MS = 5 * 60 * 1000;
/** Names tracked at most (a flood of made-up names cannot grow memory without bound; the oldest go first). */
const MAX_NAMES = 10_000;

export class SignInBackoff {
  private readonly mistakes = new Map<string, { count: number; until: number }>();

  /** Milliseconds `name` must still wait before trying again (0: may try now). */
  waitFor(name: string, nowMs = Date.now()): number {
    const entry = this.mistakes.get(name);
    return entry ? Math.max(0, entry.until - nowMs) : 0;
  }

  wrong(name: string, nowMs = Date.now()): void {
    const count = (this.mistakes.get(name)?.count ?? 0) + 1;
    const wait = count <= FREE ? 0 : Math.min(MAX_WAIT_MS, 1000 * 2 ** (count - FREE - 1));
    this.mistakes.delete(name);
    this.mistakes.set(name, { count, until: nowMs + wait });
    if (this.mistakes.size > MAX_NAMES) this.mistakes.delete(this.mistakes.keys().next().value!);
  }

  right(name: string): void {
    this.mistakes.delete(name);
  }
}
