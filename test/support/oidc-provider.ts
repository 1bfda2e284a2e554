import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * An organisation's OpenID Connect provider for the tests: panva's `oidc-provider` (OpenID
 * Certified), run in the test's process on a loopback port, configured as a förbund's identity
 * provider would be for the coordinator client:
 *
 * - one public client, `finsam-coordinator-client` (no secret: `token_endpoint_auth_method` none),
 *   authorization code flow only, PKCE with S256 required, redirect to the gateway's `/` alone;
 * - the graph as a resource server (RFC 8707): every access token is a JWT for it, audience
 *   `finsam-graph`, signed ES256 with the provider's key published at its `jwks_uri`, carrying
 *   the account's `role` and `forbund` (the samordningsförbund the user works for) as claims;
 *   a second resource server, `urn:finsam:test:journal` (audience `journal-api`), stands for any
 *   other API of the same organisation, whose tokens the gateway must not take;
 * - a login page and a consent page of its own (the provider's interaction API, not its
 *   development pages): user name and password of a fixture account, then "Godkänn".
 *
 * The provider listens at once, so that its issuer is known before the graph starts; the client
 * is registered once the gateway's address is (`registerClient`). Until then it answers 503.
 * Nothing leaves the machine: the issuer is `http://127.0.0.1:<port>`.
 */
export const COORDINATOR_CLIENT_ID = 'finsam-coordinator-client';
export const GRAPH_RESOURCE = 'urn:finsam:graph';
export const GRAPH_AUDIENCE = 'finsam-graph';
export const OTHER_RESOURCE = 'urn:finsam:test:journal';
export const OTHER_AUDIENCE = 'journal-api';

export interface OidcAccount {
  password: string;
  /** The claims the organisation gives the user, put as they are into the access token. */
  claims: { role?: unknown; forbund?: unknown; name?: string };
}

/**
 * The fixture accounts, by user name (which is also their `sub`). `coordinator-1` is the
 * README's coordinator of the embedded default (FORBUND_ID `embedded`); the others are what a
 * careless or hostile configuration of the organisation's provider would hand out.
 */
export const OIDC_ACCOUNTS: Record<string, OidcAccount> = {
  'coordinator-1': { password: 'samordnare-1-losen', claims: { role: 'coordinator', forbund: 'embedded', name: 'Samordnare Ett' } },
  /** A coordinator of another samordningsförbund served by the same provider. */
  'coordinator-2': { password: 'samordnare-2-losen', claims: { role: 'coordinator', forbund: 'forbund-goteborg', name: 'Samordnare Två' } },
  /** A role the graph does not know. */
  'coordinator-3': { password: 'samordnare-3-losen', claims: { role: 'administrator', forbund: 'embedded', name: 'Samordnare Tre' } },
  /** No förbund at all. */
  'coordinator-4': { password: 'samordnare-4-losen', claims: { role: 'coordinator', name: 'Samordnare Fyra' } },
};

const RESOURCE_SERVERS: Record<string, { audience: string }> = {
  [GRAPH_RESOURCE]: { audience: GRAPH_AUDIENCE },
  [OTHER_RESOURCE]: { audience: OTHER_AUDIENCE },
};

/** What the provider saw, for the tests' assertions. */
export interface ProviderRecord {
  /** Each request to the authorization endpoint, its query as sent. */
  authorizations: URLSearchParams[];
  /** Each request to the token endpoint: the status answered and, when refused, the OAuth error. */
  tokenRequests: { status: number; error?: string; params: Record<string, unknown> }[];
  /** Each successful login at the login page, by account. */
  logins: string[];
  /** Each authorization code as stored: its PKCE challenge method. */
  codes: { challengeMethod?: string; redirectUri?: string }[];
  /** Errors the provider raised at its endpoints (authorization, token), by OAuth error code. */
  errors: string[];
}

export type OidcTestProvider = Awaited<ReturnType<typeof startOidcProvider>>;

export async function startOidcProvider(options: { accounts?: Record<string, OidcAccount> } = {}) {
  const accounts = options.accounts ?? OIDC_ACCOUNTS;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: `test-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' };
  const seen: ProviderRecord = { authorizations: [], tokenRequests: [], logins: [], codes: [], errors: [] };

  let provider: Provider | null = null;
  let callback: ReturnType<Provider['callback']> | null = null;
  const server = http.createServer((request, response) => {
    if (!provider || !callback) {
      response.writeHead(503, { 'content-type': 'text/plain' });
      return void response.end('no client registered yet');
    }
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/consent)?$/.exec(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (interaction) {
      return void interactionPage(provider, accounts, seen, interaction[1]!, interaction[2] ?? '', request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`interaction failed: ${error instanceof Error ? error.name : 'error'}`);
      });
    }
    callback(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /**
   * The authorization endpoint's address for a request the test makes itself (as an attacker or
   * another app would), with a PKCE pair it keeps: the URL, its state and the verifier.
   */
  const authorizationRequest = (redirectUri: string, extra: Record<string, string> = {}) => {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: COORDINATOR_CLIENT_ID, redirect_uri: redirectUri, scope: 'openid',
      state: randomBytes(16).toString('base64url'), code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256', ...extra,
    }).toString();
    return { url: url.toString(), state: url.searchParams.get('state')!, verifier };
  };

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    seen,
    /** The gateway's settings for trusting this provider (docs/tokens-and-consent.md). */
    gatewayEnv(): NodeJS.ProcessEnv {
      return { JWKS_URL: `${issuer}/jwks`, OIDC_ISSUER: issuer, OIDC_AUDIENCE: GRAPH_AUDIENCE, OIDC_CLIENT_ID: COORDINATOR_CLIENT_ID, JWT_ALGORITHMS: 'ES256' };
    },
    /** Registers the coordinator client with its one redirect URI (the gateway's `/`), and opens the provider. */
    registerClient(redirectUri: string) {
      if (provider) throw new Error('the client is registered already');
      provider = new Provider(issuer, configuration(accounts, signingKey, redirectUri));
      provider.use(async (ctx, next) => {
        if (ctx.path === '/auth') seen.authorizations.push(new URLSearchParams(ctx.querystring));
        await next();
        if (ctx.path === '/token') {
          const body = ctx.body as { error?: string } | undefined;
          seen.tokenRequests.push({ status: ctx.status, ...(ctx.status >= 400 && body?.error ? { error: body.error } : {}), params: { ...(ctx.oidc?.params ?? {}) } });
        }
      });
      provider.on('authorization_code.saved', (code: { codeChallengeMethod?: string; redirectUri?: string }) => {
        seen.codes.push({ challengeMethod: code.codeChallengeMethod, redirectUri: code.redirectUri });
      });
      for (const event of ['authorization.error', 'grant.error', 'server_error'] as const) {
        provider.on(event, (_ctx: unknown, error: { error?: string; message?: string }) => { seen.errors.push(error.error ?? error.message ?? 'error'); });
      }
      callback = provider.callback();
    },
    authorizationRequest,
    /**
     * A code for `username`, got as a browser would get it but without one: the authorization
     * request (`authorizationRequest`), the login page's form with the account's password, the
     * consent page's form, each redirect followed with the provider's cookies, up to the redirect
     * to `redirectUri`. For tests that need the provider's tokens rather than the pages.
     */
    async authorizationCode(username: string, redirectUri: string, extra: Record<string, string> = {}) {
      const request = authorizationRequest(redirectUri, extra);
      const cookies = new Map<string, string>();
      let next: { url: string; form?: URLSearchParams } | null = { url: request.url };
      for (let step = 0; next && step < 12; step += 1) {
        const response: Response = await fetch(next.url, {
          method: next.form ? 'POST' : 'GET', redirect: 'manual',
          headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '), ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          ...(next.form ? { body: next.form } : {}),
        });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const at = pair!.indexOf('=');
          cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        const location = response.headers.get('location');
        if (location) {
          const target = new URL(location, issuer);
          if (target.href.startsWith(`${redirectUri}?`)) {
            if (target.searchParams.get('state') !== request.state) throw new Error('the provider answered with another state');
            const code = target.searchParams.get('code');
            if (!code) throw new Error(`the provider answered ${target.searchParams.get('error')}`);
            return { code, verifier: request.verifier };
          }
          next = { url: target.href };
          continue;
        }
        const page = await response.text();
        const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
        if (response.status !== 200 || !action) throw new Error(`the provider answered ${response.status} with no form to go on`);
        const account = accounts[username];
        next = action.endsWith('/login')
          ? { url: new URL(action, issuer).href, form: new URLSearchParams({ username, password: account?.password ?? '' }) }
          : { url: new URL(action, issuer).href, form: new URLSearchParams() };
      }
      throw new Error('the provider did not come back to the client');
    },
    /** Redeems a code at the token endpoint as the public client does: the answer's status and body. */
    async redeem(code: string, verifier: string, redirectUri: string, extra: Record<string, string> = {}) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: COORDINATOR_CLIENT_ID, ...extra }),
      });
      return { status: response.status, body: await response.json() as { access_token?: string; id_token?: string; error?: string } };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function configuration(accounts: Record<string, OidcAccount>, signingKey: Record<string, unknown>, redirectUri: string): Configuration {
  const gatewayOrigin = new URL(redirectUri).origin;
  return {
    clients: [{
      client_id: COORDINATOR_CLIENT_ID, application_type: 'web', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [redirectUri],
      id_token_signed_response_alg: 'ES256',
    }],
    jwks: { keys: [signingKey] },
    // PKCE for every authorization request, S256 only (never `plain`).
    pkce: { methods: ['S256'], required: () => true },
    // The coordinator client calls discovery and the token endpoint from the gateway's page.
    clientBasedCORS: (_ctx, origin) => origin === gatewayOrigin,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    async findAccount(_ctx, sub) {
      const account = Object.hasOwn(accounts, sub) ? accounts[sub] : undefined;
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub }) };
    },
    // The organisation's claims for the graph travel in its access token.
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = accounts[token.accountId];
      if (!account) return undefined;
      const { role, forbund } = account.claims;
      return { ...(role === undefined ? {} : { role }), ...(forbund === undefined ? {} : { forbund }) };
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // The client asks for `openid` only: the graph is the resource its tokens are for.
        defaultResource: () => GRAPH_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          const server = RESOURCE_SERVERS[indicator];
          if (!server) throw new errors.InvalidTarget();
          return { scope: '', audience: server.audience, accessTokenTTL: 10 * 60, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 10 * 60, AuthorizationCode: 60, IdToken: 10 * 60, Interaction: 10 * 60, Session: 60 * 60, Grant: 60 * 60 },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function formBody(request: http.IncomingMessage): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of request) {
    raw += chunk;
    if (raw.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * The organisation's login and consent pages, on the provider's interaction API: the page for the
 * interaction in progress (its cookie names it), a login with user name and password, then
 * consent to the client's request. A wrong password shows the login again with an error.
 */
async function interactionPage(
  provider: Provider, accounts: Record<string, OidcAccount>, seen: ProviderRecord, uid: string, step: string,
  request: http.IncomingMessage, response: http.ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const html = (status: number, title: string, body: string) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page(title, body));
  };
  const loginForm = (error?: string) => html(200, 'Logga in', `
    <form method="post" action="/interaction/${escapeHtml(uid)}/login">
      <label for="username">Användarnamn</label> <input id="username" name="username" autocomplete="username" required>
      <label for="password">Lösenord</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Logga in</button>
      ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
    </form>`);

  if (request.method === 'GET' && step === '') {
    if (details.prompt.name === 'login') return loginForm();
    if (details.prompt.name === 'consent') {
      return html(200, 'Godkänn', `
        <p>${escapeHtml(String(details.params.client_id))} vill logga in dig i Finsam.</p>
        <form method="post" action="/interaction/${escapeHtml(uid)}/consent"><button type="submit">Godkänn</button></form>`);
    }
    throw new Error(`no page for prompt ${details.prompt.name}`);
  }
  if (request.method !== 'POST') throw new Error('method');

  if (step === '/login' && details.prompt.name === 'login') {
    const form = await formBody(request);
    const username = form.get('username') ?? '';
    const account = Object.hasOwn(accounts, username) ? accounts[username] : undefined;
    if (!account || !sameSecret(account.password, form.get('password') ?? '')) return loginForm('Fel användarnamn eller lösenord.');
    seen.logins.push(username);
    return void await provider.interactionFinished(request, response, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  }
  if (step === '/consent' && details.prompt.name === 'consent') {
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details as {
      missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    return void await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  throw new Error('step out of order');
}
