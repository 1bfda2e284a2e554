import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificates } from '../src/testing/tls-certificates.ts';
import { GATEWAY_ISSUER, loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { listen, sendJson, type RunningServer } from '@finsam/kit/http';
import { remoteKeySet, serverCertificate, trustedCa } from '@finsam/kit/tls';

describe('a published key set fetched over HTTPS (remoteKeySet)', () => {
  const { graph, stranger } = testCertificates();
  let dataDir: string;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-tls-'));
    const key = await loadOrCreateGatewayKey(dataDir);
    token = await signGatewayToken(key, { actorId: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' }, 'care');
    server = await listen(async (_request, response) => sendJson(response, 200, { keys: [key.publicJwk] }), 0, '127.0.0.1', {
      TLS_CERT_FILE: graph.certFile, TLS_KEY_FILE: graph.keyFile,
    });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const verifyWith = (env: NodeJS.ProcessEnv) => jwtVerify(token, remoteKeySet(`${server.url}/.well-known/jwks.json`, env), { issuer: GATEWAY_ISSUER, audience: 'care' });

  it('serves HTTPS and verifies a token with the key fetched through the configured CA', async () => {
    expect(server.url).toMatch(/^https:/);
    expect((await verifyWith({ TLS_CA_FILE: graph.caFile })).payload.sub).toBe('coordinator-1');
  });

  it('refuses the key set of a server the configured CA did not sign, and of one only a private CA signed when none is configured', async () => {
    await expect(verifyWith({ TLS_CA_FILE: stranger.caFile })).rejects.toThrow();
    await expect(verifyWith({})).rejects.toThrow();
  });
});

describe('TLS settings', () => {
  it('refuses a certificate without its key, or a key without its certificate, naming both variables', () => {
    const { graph } = testCertificates();
    expect(serverCertificate({})).toBeNull();
    expect(() => serverCertificate({ TLS_CERT_FILE: graph.certFile })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
    expect(() => serverCertificate({ TLS_KEY_FILE: graph.keyFile })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
  });

  it('names the variable whose file cannot be read', () => {
    expect(() => trustedCa({ TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/TLS_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/);
    expect(trustedCa({})).toBeNull();
  });
});
