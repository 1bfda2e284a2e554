import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTokenVerifier, loadOrCreateGatewayKey, signGatewayToken, type GatewaySigningKey } from '../src/gateway-token.ts';

describe('a subgraph\'s check of the purpose in a gateway token', () => {
  let dataDir: string;
  let key: GatewaySigningKey;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-purpose-'));
    key = await loadOrCreateGatewayKey(dataDir);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const verified = async (role: 'coordinator' | 'analyst' | 'auditor', purpose: string) => {
    const token = await signGatewayToken(key, { actorId: `${role}-1`, role, purpose }, 'care');
    return createGatewayTokenVerifier('care', {}, dataDir)({ authorization: `Bearer ${token}` }, 'request-1');
  };

  it('takes a purpose of the role from the fixed list', async () => {
    expect(await verified('coordinator', 'COORDINATION')).toMatchObject({ ok: true, caller: { role: 'coordinator', purpose: 'COORDINATION' } });
    expect(await verified('auditor', 'TILLSYN')).toMatchObject({ ok: true, caller: { role: 'auditor', purpose: 'TILLSYN' } });
  });

  it('refuses free text, a 5,000-character purpose, and another role\'s purpose, even signed by the gateway\'s key', async () => {
    expect(await verified('coordinator', 'CURIOSITY')).toEqual({ ok: false, reason: 'token not valid' });
    expect(await verified('coordinator', 'X'.repeat(5000))).toEqual({ ok: false, reason: 'token not valid' });
    expect(await verified('analyst', 'AUDIT')).toEqual({ ok: false, reason: 'token not valid' });
  });
});
