import type * as Oidc from 'openid-client';
import type { ConsoleSettings } from '../config/schema';
import { operatorNameProblem } from '../config/operator-keys';

/**
 * Sign-in by OpenID Connect (console.oidc, docs/console.md "Who is who"): the console is a confidential client of
 * the issuer, with the authorization code flow and PKCE, done by openid-client. The operator's name is the value
 * of `nameClaim` (from the ID token, else from the userinfo endpoint); queue membership is by that name.
 */

type OidcSettings = NonNullable<ConsoleSettings['oidc']>;

/** What the browser carries between leaving for the issuer and coming back (in a signed, short-lived cookie). */
export interface PendingSignIn {
  verifier: string;
  state: string;
  redirectUri: string;
}

export interface OidcSignIn {
  /** The issuer, as the sign-in page names it. */
  issuer: string;
  /** Where to send the browser, and what to remember until it comes back to `redirectUri`. */
  start(redirectUri: string): Promise<{ url: string; pending: PendingSignIn }>;
  /** The operator name the issuer vouches for, given the callback URL the browser came back to. */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<string>;
}

/** A refusal to show the person signing in (their issuer said no, or their name cannot be an operator's). */
export class OidcRefusal extends Error {}

const loopback = (url: URL) => url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/**
 * Starts discovery now (the issuer's /.well-known/openid-configuration), so a wrong issuer shows in the console's
 * log at start-up; sign-in waits for it and, should it have failed, answers with the reason.
 */
export function oidcSignIn(settings: OidcSettings, env: NodeJS.ProcessEnv = process.env): OidcSignIn {
  const issuerUrl = new URL(settings.issuer);
  const discovered = (async () => {
    const client = await import('openid-client');
    const secret = env[settings.clientSecretEnv];
    if (!secret) throw new Error(`console.oidc: the client secret is missing. Fix: set ${settings.clientSecretEnv} to the secret the issuer gave client ${settings.clientId}`);
    // Plain http only for an issuer on this machine (a test or development provider); anything else must be https.
    const options = loopback(issuerUrl) ? { execute: [client.allowInsecureRequests] } : undefined;
    try {
      return { client, configuration: await client.discovery(issuerUrl, settings.clientId, secret, undefined, options) };
    } catch (error) {
      throw new Error(`console.oidc: discovery at ${settings.issuer} failed: ${(error as Error).message}. Fix: console.oidc.issuer must be the issuer URL (its /.well-known/openid-configuration must answer)`);
    }
  })();
  discovered.catch((error: Error) => console.error(error.message));

  return {
    issuer: issuerUrl.host,
    async start(redirectUri) {
      const { client, configuration } = await discovered;
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      return { url: url.href, pending: { verifier, state, redirectUri } };
    },
    async finish(callbackUrl, pending) {
      const { client, configuration } = await discovered;
      const issuerError = callbackUrl.searchParams.get('error');
      if (issuerError) throw new OidcRefusal(`${issuerUrl.host} refused the sign-in: ${callbackUrl.searchParams.get('error_description') ?? issuerError}`);
      let tokens: Awaited<ReturnType<typeof Oidc.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state }, { redirect_uri: pending.redirectUri });
      } catch (error) {
        throw new OidcRefusal(`sign-in with ${issuerUrl.host} failed: ${(error as Error).message}`);
      }
      const claims = tokens.claims();
      let name = claims?.[settings.nameClaim];
      if (name === undefined && claims) name = (await client.fetchUserInfo(configuration, tokens.access_token, claims.sub))[settings.nameClaim];
      if (typeof name !== 'string' || !name) {
        throw new OidcRefusal(`${issuerUrl.host} did not say who you are in claim ${settings.nameClaim} (console.oidc.nameClaim). Fix: ask for a scope that carries it (console.oidc.scopes) or name another claim`);
      }
      const problem = operatorNameProblem(name);
      if (problem) throw new OidcRefusal(`${settings.nameClaim} ${problem}. Fix: map your issuer's users to operator names in another claim (console.oidc.nameClaim)`);
      return name;
    },
  };
}
