import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/authentication.ts';
import { DEFAULT_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, loadOrCreateDevIssuer, mintDevToken } from '../src/dev-issuer.ts';

describe('the gateway\'s check of user tokens', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-auth-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps accepting a token it has checked until it expires (30 s allowed for clock skew), and not after', async () => {
    let clock = Date.now();
    const authenticate = await createAuthenticator({}, dataDir, () => clock);
    const headers = { authorization: `Bearer ${await mintDevToken(dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '2m' })}` };
    const user = { id: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' };
    expect(await authenticate(headers)).toEqual({ ok: true, value: user });
    clock += 110_000;
    expect(await authenticate(headers)).toEqual({ ok: true, value: user });
    // Past expiry plus the 30 s tolerance for clocks that differ.
    clock += 45_000;
    expect(await authenticate(headers)).toMatchObject({ ok: false, failure: { code: 'UNAUTHENTICATED', message: 'The token has expired.' } });
  });

  it('refuses a token that never expires', async () => {
    const issuer = await loadOrCreateDevIssuer(dataDir);
    const eternal = await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: DEV_ALGORITHM, kid: issuer.kid })
      .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('coordinator-1').setIssuedAt()
      .sign(await importJWK(issuer.privateJwk, DEV_ALGORITHM));
    const result = await (await createAuthenticator({}, dataDir))({ authorization: `Bearer ${eternal}` });
    expect(result).toMatchObject({ ok: false, failure: { code: 'UNAUTHENTICATED' } });
  });
});
