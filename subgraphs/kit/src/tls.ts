import fs from 'node:fs';
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey, type RemoteJWKSetOptions } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * TLS for the graph's own calls: the gateway to the subgraphs, the subgraphs to the gateway's
 * key set (and any other published key one process fetches from another). Servers present a
 * certificate from TLS_CERT_FILE/TLS_KEY_FILE; clients trust the CA in TLS_CA_FILE, and only it,
 * so that a certificate some public CA issued for the same name is not enough to stand in for
 * an agency. Verification is never turned off: a server the CA did not sign is not called.
 */

export interface ServerCertificate {
  cert: Buffer;
  key: Buffer;
}

/** The certificate and key a server presents (TLS_CERT_FILE, TLS_KEY_FILE), or null for plain HTTP. */
export function serverCertificate(env: NodeJS.ProcessEnv = process.env): ServerCertificate | null {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (!certFile && !keyFile) return null;
  // One without the other is a deployment mistake; serving plain HTTP instead would hide it.
  if (!certFile || !keyFile) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together (PEM files)');
  return { cert: readPem('TLS_CERT_FILE', certFile), key: readPem('TLS_KEY_FILE', keyFile) };
}

/** The CA a client trusts for the graph's own servers (TLS_CA_FILE), or null: the system's roots. */
export function trustedCa(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  return env.TLS_CA_FILE ? readPem('TLS_CA_FILE', env.TLS_CA_FILE) : null;
}

function readPem(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** Connections for the graph's own calls (undici), trusting TLS_CA_FILE when it is set. */
export function internalAgent(env: NodeJS.ProcessEnv = process.env, options: Agent.Options = {}): Agent {
  const ca = trustedCa(env);
  return new Agent({ ...options, connect: { ...options.connect, ...(ca ? { ca } : {}) } });
}

/**
 * A published key set of another process of the graph (the gateway's at GATEWAY_JWKS_URL, say),
 * fetched over the same trust as every internal call. jose caches it and fetches it again when
 * a token names a key it does not hold.
 */
export function remoteKeySet(url: string | URL, env: NodeJS.ProcessEnv = process.env, options: Omit<RemoteJWKSetOptions, typeof customFetch> = {}): JWTVerifyGetKey {
  const connections = internalAgent(env);
  return createRemoteJWKSet(new URL(url), {
    ...options,
    [customFetch]: async (resource, init) => (await undiciFetch(resource, {
      ...init, headers: Object.fromEntries(init.headers.entries()), dispatcher: connections,
    })) as unknown as Response,
  });
}

/**
 * Why a connection failed, for a log line: the error's code and message (a certificate the CA did
 * not sign, a refused connection, plain HTTP to an HTTPS port), and those of its cause. Transport
 * errors name hosts and ports, never what was sent.
 */
export function connectionFailure(error: unknown): string {
  const parts: string[] = [];
  for (let current = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined; current && parts.length < 4; current = current.cause as typeof current) {
    const text = [typeof current.code === 'string' ? current.code : null, typeof current.message === 'string' ? current.message : null].filter(Boolean).join(': ');
    if (text && !parts.includes(text)) parts.push(text);
  }
  return (parts.join(' <- ') || 'unknown error').slice(0, 300);
}

