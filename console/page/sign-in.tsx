/** The sign-in page (console/auth.ts): local account or OpenID Connect. STUB: the auth helper fills this in. */
export function SignIn(_props: { signedIn: () => void }) {
  return <p>Sign in</p>;
}
