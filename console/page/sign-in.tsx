import { useState, type FormEvent } from 'react';
import { ApiRefusal, postJson, useJson } from './api';
import type { Me } from './auth-types';

/**
 * The sign-in page (console/auth.ts): a local account's name and password, or, when console.oidc is set, the
 * issuer's own sign-in. The refusal is shown as the server words it (the same for a wrong name and a wrong password).
 */
export function SignIn(props: { signedIn: () => void }) {
  const me = useJson<Me>('/api/me');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    try {
      await postJson('/api/sign-in', { name, password });
      props.signedIn();
    } catch (error) {
      setRefusal(error instanceof ApiRefusal ? error.message : `the console did not answer: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="sign-in">
      <form onSubmit={submit} data-testid="sign-in">
        <h1>Ordo console</h1>
        <label>
          Name
          <input data-testid="sign-in-name" autoComplete="username" autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Password
          <input data-testid="sign-in-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {refusal && (
          <p className="refusal" role="alert" data-testid="sign-in-error">
            {refusal}
          </p>
        )}
        <button type="submit" data-testid="sign-in-submit" disabled={busy || !name || !password}>
          Sign in
        </button>
        {me.data?.oidc && (
          <a className="sign-in-oidc" href="/auth/oidc" data-testid="sign-in-oidc">
            Sign in with {me.data.issuer ?? 'your organisation'}
          </a>
        )}
      </form>
    </div>
  );
}
