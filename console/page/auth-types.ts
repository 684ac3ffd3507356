/** GET /api/me: who is signed in (console/auth.ts), null when nobody. */
export interface Me {
  user: { name: string; via: 'password' | 'oidc'; queues: string[] } | null;
  /** Whether OpenID Connect sign-in is configured (the sign-in page then offers it). */
  oidc?: boolean;
  /** The OpenID Connect issuer's host, for "Sign in with <issuer>". */
  issuer?: string;
}
export type PageUser = NonNullable<Me['user']>;
