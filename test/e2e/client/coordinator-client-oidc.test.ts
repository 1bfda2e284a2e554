import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '@finsam/client/build';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import {
  COORDINATOR_CLIENT_ID, GRAPH_AUDIENCE, OIDC_ACCOUNTS, OTHER_AUDIENCE, OTHER_RESOURCE, startOidcProvider, type OidcTestProvider,
} from '../../support/oidc-provider.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);

const manifest = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/manifest.json'), 'utf8')) as { operations: { id: string; name: string }[] };
const CASELOAD_HASH = manifest.operations.find((o) => o.name === 'Caseload')!.id;

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * The coordinator client's sign-in against a real OpenID Connect provider (panva's oidc-provider,
 * test/support/oidc-provider.ts), run by the test on loopback: the browser goes through the
 * provider's authorization endpoint, its login and consent pages and back with a code, the client
 * redeems it with its PKCE verifier, and the gateway checks the provider's access token against
 * the provider's published keys (JWKS_URL), taking the user, role and förbund from its claims.
 */
describe.skipIf(!haveChromium && !process.env.CI)('the coordinator client signs in through a real OIDC provider (authorization code and PKCE), whose tokens the gateway checks', () => {
  let provider: OidcTestProvider;
  let graph: TestGraph;
  let browser: Browser;
  let redirectUri: string;
  beforeAll(async () => {
    await bundle();
    provider = await startOidcProvider();
    graph = await startGraph({ persons: 100, registeredOperations: true, gatewayEnv: provider.gatewayEnv() });
    redirectUri = `${graph.gatewayUrl}/`;
    provider.registerClient(redirectUri);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await browser?.close();
    await graph?.close();
    await provider?.close();
  });

  /** The Caseload operation through the gateway, by its registered hash, as the client sends it. */
  async function caseload(token: string): Promise<Answer> {
    const response = await fetch(graph.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName: 'Caseload', variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: CASELOAD_HASH } } }),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() as Answer['body'] };
  }

  /** At the provider's login page: the user name, Tab, the password, Enter; then "Godkänn" on the consent page. */
  async function logIn(page: Page, username: string) {
    await page.getByLabel('Användarnamn').click();
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OIDC_ACCOUNTS[username]!.password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Godkänn' }).click();
  }

  /**
   * The provider's access token and ID token for `username`, from an authorization request the
   * test makes itself, as an attacker or another app of the organisation would: the same login
   * and consent pages, read without a browser, and the code redeemed with the test's verifier.
   */
  async function issuedTokens(username: string, extra: Record<string, string> = {}) {
    const { code, verifier } = await provider.authorizationCode(username, redirectUri, extra);
    const redeemed = await provider.redeem(code, verifier, redirectUri);
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    return { accessToken: redeemed.body.access_token!, idToken: redeemed.body.id_token! };
  }

  it('signs in at the provider with an S256 challenge and a state, redeems the code once with the verifier, and the gateway serves the caseload as the user the provider named', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const codes: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === new URL(graph.gatewayUrl).origin && url.searchParams.has('code')) codes.push(url.searchParams.get('code')!);
    });
    const tokenResponse = page.waitForResponse((response) => response.url() === `${provider.issuer}/token`);

    await page.goto(`${graph.gatewayUrl}/`);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByLabel('Användarnamn').waitFor();
    expect(new URL(page.url()).origin).toBe(provider.issuer);
    await logIn(page, 'coordinator-1');
    await page.locator('table.caseload tbody tr').first().waitFor();

    // What the client sent, as the provider saw it.
    expect(provider.seen.errors).toEqual([]);
    expect(provider.seen.logins).toEqual(['coordinator-1']);
    const authorization = provider.seen.authorizations[0]!;
    expect(Object.fromEntries([...authorization].filter(([name]) => name !== 'state' && name !== 'code_challenge'))).toEqual({
      response_type: 'code', client_id: COORDINATOR_CLIENT_ID, redirect_uri: `${graph.gatewayUrl}/`, scope: 'openid', code_challenge_method: 'S256',
    });
    expect(authorization.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(provider.seen.codes).toEqual([{ challengeMethod: 'S256', redirectUri: `${graph.gatewayUrl}/` }]);
    expect(provider.seen.tokenRequests.map((r) => r.status)).toEqual([200]);
    expect(provider.seen.tokenRequests[0]!.params).toMatchObject({ grant_type: 'authorization_code', client_id: COORDINATOR_CLIENT_ID, redirect_uri: `${graph.gatewayUrl}/` });
    expect(String(provider.seen.tokenRequests[0]!.params.code_verifier)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The provider's access token: a JWT for the graph, signed ES256, with the organisation's claims.
    const token = (await (await tokenResponse).json() as { access_token: string }).access_token;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(token)).toMatchObject({ iss: provider.issuer, aud: GRAPH_AUDIENCE, sub: 'coordinator-1', role: 'coordinator', forbund: 'embedded', client_id: COORDINATOR_CLIENT_ID });

    // The gateway took the user from the token: `me` is coordinator-1, and coordination's audit
    // log names that user, the coordinator role and the förbund the gateway serves.
    const answer = await caseload(token);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.me.id).toBe('coordinator-1');
    expect(answer.body.data!.me.caseload.totalCount).toBeGreaterThan(0);
    const coordination = graph.store('coordination');
    const records = await coordination.selectFrom('audit_log').select(['actor', 'role', 'purpose', 'forbund']).where('request_id', '=', answer.requestId!).execute();
    await coordination.destroy();
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ actor: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION', forbund: 'embedded' })]));

    // The code came back once, was redeemed once, and is worth nothing a second time.
    expect(codes).toHaveLength(1);
    expect((await provider.redeem(codes[0]!, String(provider.seen.tokenRequests[0]!.params.code_verifier), redirectUri)).body.error).toBe('invalid_grant');
    // The code and state left the address bar; nothing is left in storage on the gateway's origin.
    expect(page.url()).toBe(`${graph.gatewayUrl}/`);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie)).toBe('{}');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses an answer whose state is not the one it sent, and redeems no code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${graph.gatewayUrl}/`);
    const before = provider.seen.tokenRequests.length;
    // A code handed to the page by someone else (login CSRF): no sign-in was started here.
    await page.goto(`${graph.gatewayUrl}/?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('state');
    expect(provider.seen.tokenRequests.length).toBe(before);
    expect(await page.locator('table.caseload').count()).toBe(0);
    expect(page.url()).toBe(`${graph.gatewayUrl}/`);
    await context.close();
  });

  it('the provider holds the client to PKCE S256: no challenge, a plain one, or a wrong verifier gets no token', async () => {
    const withoutChallenge = new URL(provider.authorizationRequest(redirectUri).url);
    withoutChallenge.searchParams.delete('code_challenge');
    withoutChallenge.searchParams.delete('code_challenge_method');
    const plain = provider.authorizationRequest(redirectUri, { code_challenge_method: 'plain' }).url;
    for (const [url, what] of [[withoutChallenge.href, 'no challenge'], [plain, 'plain']]) {
      const response = await fetch(url!, { redirect: 'manual' });
      // Refused at the authorization endpoint: back to the client with an error, no login page.
      const location = new URL(response.headers.get('location')!, provider.issuer);
      expect(`${location.origin}${location.pathname}`, what).toBe(redirectUri);
      expect(location.searchParams.get('error'), what).toBe('invalid_request');
    }
    // A code redeemed with a verifier that is not the one its challenge was made from.
    const { code, verifier } = await provider.authorizationCode('coordinator-1', redirectUri);
    const wrong = await provider.redeem(code, `${verifier.slice(1)}x`, redirectUri);
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.body.access_token).toBeUndefined();
  });

  it('refuses the provider\'s tokens that are not for it: another audience, the ID token, an unknown role, no förbund, another förbund', async () => {
    const own = await issuedTokens('coordinator-1');
    expect((await caseload(own.accessToken)).body.data?.me.id).toBe('coordinator-1');

    // A token of the same provider and key for another API of the organisation.
    const other = await issuedTokens('coordinator-1', { resource: OTHER_RESOURCE });
    expect(decodeJwt(other.accessToken)).toMatchObject({ aud: OTHER_AUDIENCE, sub: 'coordinator-1', role: 'coordinator', forbund: 'embedded' });
    const refusals: [string, string][] = [[other.accessToken, 'another audience'], [own.idToken, 'the ID token']];
    for (const [token, what] of refusals) {
      const answer = await caseload(token);
      expect(answer.status, what).toBe(401);
      expect(answer.body.errors?.[0], what).toMatchObject({ message: 'The token\'s aud claim is not accepted.', extensions: { code: 'UNAUTHENTICATED' } });
    }

    const unknownRole = await caseload((await issuedTokens('coordinator-3')).accessToken);
    expect(unknownRole.status).toBe(401);
    expect(unknownRole.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/no known role/) });
    expect(JSON.stringify(unknownRole.body)).not.toContain('administrator');

    const noForbund = await caseload((await issuedTokens('coordinator-4')).accessToken);
    expect(noForbund.status).toBe(401);
    expect(noForbund.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/forbund/) });

    const otherForbund = await caseload((await issuedTokens('coordinator-2')).accessToken);
    expect(otherForbund.status).toBe(403);
    expect(otherForbund.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'TOKEN_OTHER_FORBUND' } });
    expect(JSON.stringify(otherForbund.body)).not.toContain('forbund-goteborg');
    expect(otherForbund.body.data ?? null).toBeNull();
  });

  it('takes no token of the dev issuer, which is for the embedded default only, and offers no dev sign-in', async () => {
    const dev = await caseload(await graph.token('coordinator', 'coordinator-1'));
    expect(dev.status).toBe(401);
    expect(dev.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const signIn = await fetch(`${graph.gatewayUrl}/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"coordinator":"coordinator-1"}' });
    expect(signIn.status).toBe(404);
  });
});
