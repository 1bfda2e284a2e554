/**
 * OpenID Connect authorization code flow with PKCE (S256), for when the gateway trusts an
 * organisation's issuer (JWKS_URL). The access token is kept in memory by the caller. Only the
 * one-time state and code verifier must outlive the redirect to the issuer: they sit in
 * sessionStorage from the click until the code comes back, then are removed (they name no one).
 */
export interface OidcConfig { issuer: string; clientId: string; scope?: string }

const PENDING = 'finsam.oidc.pending';

interface Discovery { authorization_endpoint: string; token_endpoint: string }

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { credentials: 'omit' });
  if (!response.ok) throw new Error(`inloggningstjänsten svarade HTTP ${response.status}`);
  return response.json() as Promise<Discovery>;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${window.location.origin}/`;

export async function startOidcSignIn(config: OidcConfig): Promise<void> {
  const { authorization_endpoint } = await discover(config.issuer);
  const state = randomText();
  const verifier = randomText();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: config.scope ?? 'openid',
    state, code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/** On return from the issuer: checks the state, exchanges the code; null when not returning. */
export async function completeOidcSignIn(config: OidcConfig): Promise<{ token: string; user: string } | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const returnedState = params.get('state');
  const issuerError = params.get('error');
  if (!code && !issuerError) return null;
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  // The code leaves the address bar and history at once.
  window.history.replaceState(null, '', window.location.pathname);
  if (issuerError) throw new Error(`inloggningstjänsten nekade (${issuerError})`);
  const { state, verifier } = pending ? JSON.parse(pending) as { state: string; verifier: string } : { state: null, verifier: null };
  if (!state || !verifier || state !== returnedState) throw new Error('svaret hörde inte till den här inloggningen (state)');
  const { token_endpoint } = await discover(config.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri(), client_id: config.clientId, code_verifier: verifier }),
  });
  if (!response.ok) throw new Error(`koden kunde inte lösas in (HTTP ${response.status})`);
  const { access_token } = await response.json() as { access_token?: string };
  if (!access_token) throw new Error('inget åtkomsttoken i svaret');
  return { token: access_token, user: subjectOf(access_token) };
}

function subjectOf(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string };
    return payload.sub ?? 'samordnare';
  } catch {
    return 'samordnare';
  }
}
