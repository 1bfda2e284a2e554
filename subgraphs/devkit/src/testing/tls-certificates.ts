import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate authority and one server certificate it signed, as PEM files. */
export interface CertificateSet {
  /** The CA's certificate: what a client trusts (TLS_CA_FILE). */
  caFile: string;
  /** The server's certificate for 127.0.0.1 and localhost (TLS_CERT_FILE). */
  certFile: string;
  /** The server's private key (TLS_KEY_FILE). */
  keyFile: string;
}

export interface TestCertificates {
  /** The graph's own CA and the certificate every test server presents. */
  graph: CertificateSet;
  /** Another CA with a certificate for the same names: what a server the gateway must not trust presents. */
  stranger: CertificateSet;
}

let made: TestCertificates | null = null;

/**
 * Certificates made with the openssl CLI, the same commands docs/tls.md gives for compose, once
 * per test process (EC keys take milliseconds; the files go when the process exits).
 */
export function testCertificates(): TestCertificates {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-tls-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  made = { graph: certificateSet(dir, 'graph'), stranger: certificateSet(dir, 'stranger') };
  return made;
}

function certificateSet(dir: string, name: string): CertificateSet {
  const file = (suffix: string) => path.join(dir, `${name}-${suffix}`);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2',
    '-subj', `/CN=Finsam ${name} test CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(file('server.ext'), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ].join('\n'));
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext'));
  for (const key of [file('ca.key'), file('server.key')]) fs.chmodSync(key, 0o600);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}
