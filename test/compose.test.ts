import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT, SUBGRAPH_NAMES, defaultSubgraphPort, envPrefix, isKnownEnvironmentVariable } from '@finsam/kit/config';

const root = path.join(import.meta.dirname, '..');

interface Service {
  build?: string;
  secrets?: string[];
  image?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is held to the code: every
 * service, port, command and environment variable must be one the code has.
 */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; secrets?: Record<string, { file: string }> };
  const services = compose.services;
  const graphServices = ['gateway', ...SUBGRAPH_NAMES];
  const packageScripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const source = [...walk(path.join(root, 'gateway/src')), ...walk(path.join(root, 'subgraphs'))].map((f) => fs.readFileSync(f, 'utf8')).join('\n');

  it('builds an image that holds what the gateway serves: the client folder, bundled at build time', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    for (const folder of ['gateway', 'subgraphs', 'schema', 'client']) expect(dockerfile, folder).toMatch(new RegExp(`^COPY ${folder} ${folder}$`, 'm'));
    const steps = dockerfile.split('\n');
    const build = steps.findIndex((line) => line === 'RUN npm run build:client');
    expect(build, 'RUN npm run build:client').toBeGreaterThan(steps.indexOf('COPY client client'));
    expect(build).toBeGreaterThan(steps.indexOf('COPY schema schema'));
    expect(packageScripts['build:client']).toBeDefined();
  });

  it('copies every workspace before npm ci, which links them by name (the kit, the subgraphs, the gateway)', () => {
    const steps = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').split('\n');
    const install = steps.findIndex((line) => line.startsWith('RUN npm ci'));
    const workspaces = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) {
      const copied = steps.findIndex((line) => line === `COPY ${workspace.split('/')[0]} ${workspace.split('/')[0]}`);
      expect(copied, workspace).toBeGreaterThan(-1);
      expect(copied, workspace).toBeLessThan(install);
    }
  });

  it('has the gateway, five subgraphs and one PostgreSQL per store, each with a health check', () => {
    const expected = ['gateway', ...SUBGRAPH_NAMES, ...[...SUBGRAPH_NAMES, 'gateway'].map((n) => `${n}-db`)];
    expect(Object.keys(services).sort()).toEqual(expected.sort());
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('starts each subgraph with its own command, on its port, on its own database', () => {
    for (const name of SUBGRAPH_NAMES) {
      const service = services[name]!;
      const port = String(defaultSubgraphPort(name));
      expect(service.command).toEqual(['npm', 'run', 'start:subgraph', '--', name]);
      expect(packageScripts['start:subgraph']).toBeDefined();
      expect(fs.existsSync(path.join(root, `subgraphs/${name}/src/main.ts`))).toBe(true);
      expect(service.environment?.PORT).toBe(port);
      expect(service.expose).toContain(port);
      expect(service.healthcheck?.test.join(' ')).toContain(`:${port}/`);
      const database = new URL(service.environment!.DATABASE_URL!);
      expect(database.hostname).toBe(`${name}-db`);
      expect(database.pathname.slice(1)).toBe(services[`${name}-db`]!.environment!.POSTGRES_DB);
      expect(service.depends_on?.[`${name}-db`]?.condition).toBe('service_healthy');
      expect(service.environment?.GATEWAY_JWKS_URL).toBe('https://gateway:4000/.well-known/jwks.json');
      expect(source).toContain("'/.well-known/jwks.json'");
      // Agencies verify the release bases coordination signs with the key coordination publishes.
      const coordinationSource = fs.readFileSync(path.join(root, 'subgraphs/coordination/src/subgraph.ts'), 'utf8');
      if (name === 'coordination') expect(service.environment?.COORDINATION_JWKS_URL).toBeUndefined();
      else {
        expect(service.environment?.COORDINATION_JWKS_URL).toBe(`https://coordination:${services.coordination!.environment!.PORT}/.well-known/jwks.json`);
        // Coordination seals each agency's member lists to the key the agency publishes, kept in its volume.
        expect(services.coordination!.environment?.[`${envPrefix(name)}_JWKS_URL`]).toBe(`https://${name}:${port}/.well-known/jwks.json`);
        expect(service.environment?.DATA_DIR).toBe('/data');
        expect(service.volumes).toContain(`${name}-data:/data`);
      }
      expect(coordinationSource).toContain("'/.well-known/jwks.json'");
    }
  });

  it('points the gateway at every subgraph where that subgraph listens', () => {
    const gateway = services.gateway!;
    expect(gateway.command).toEqual(['npm', 'run', 'start:gateway']);
    expect(packageScripts['start:gateway']).toBeDefined();
    expect(gateway.ports).toContain(`${gateway.environment!.PORT}:${gateway.environment!.PORT}`);
    for (const name of SUBGRAPH_NAMES) {
      expect(gateway.environment?.[`${envPrefix(name)}_URL`]).toBe(`https://${name}:${services[name]!.environment!.PORT}/graphql`);
    }
    expect(new URL(gateway.environment!.GATEWAY_DATABASE_URL!).hostname).toBe('gateway-db');
  });

  it('calls between the services only over HTTPS, each service with its own certificate and key, every one trusting the CA', () => {
    const secretFile = (service: string, variable: string) => {
      const location = services[service]!.environment?.[variable];
      const secret = /^\/run\/secrets\/([a-z-]+)$/.exec(location ?? '')?.[1];
      expect(secret, `${service}: ${variable} is a compose secret`).toBeDefined();
      expect(services[service]!.secrets, `${service} mounts ${secret}`).toContain(secret);
      return compose.secrets?.[secret!]?.file;
    };
    for (const name of graphServices) {
      expect(secretFile(name, 'TLS_CERT_FILE')).toBe(`./certs/${name}.pem`);
      expect(secretFile(name, 'TLS_KEY_FILE')).toBe(`./certs/${name}.key`);
      expect(secretFile(name, 'TLS_CA_FILE')).toBe('./certs/ca.pem');
      // The health check speaks HTTPS to the process and trusts the same CA.
      const check = services[name]!.healthcheck!.test.join(' ');
      expect(check).toContain(`https://127.0.0.1:${services[name]!.environment!.PORT}/`);
      expect(check).toContain('TLS_CA_FILE');
      expect(check).not.toMatch(/rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED/);
    }
    // Every URL by which one service of the graph reaches another.
    const internal = graphServices.flatMap((name) => Object.entries(services[name]!.environment ?? {})
      .filter(([, value]) => graphServices.some((target) => String(value).includes(`://${target}:`)))
      .map(([variable, value]) => `${name}: ${variable}=${value}`));
    // At least the gateway's five subgraph URLs and each subgraph's GATEWAY_JWKS_URL.
    expect(internal.length).toBeGreaterThanOrEqual(SUBGRAPH_NAMES.length * 2);
    for (const entry of internal) expect(entry).toMatch(/=https:\/\//);
    expect(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/NODE_TLS_REJECT_UNAUTHORIZED/);
  });

  it('certs/make-certificates.sh makes for each service a certificate for its host name, signed by the CA', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-certs-'));
    try {
      execFileSync('sh', [path.join(root, 'certs/make-certificates.sh'), dir], { stdio: 'ignore' });
      const ca = new X509Certificate(fs.readFileSync(path.join(dir, 'ca.pem')));
      for (const name of graphServices) {
        const certificate = new X509Certificate(fs.readFileSync(path.join(dir, `${name}.pem`)));
        expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey), name).toBe(true);
        expect(certificate.checkHost(name), name).toBe(name);
        expect(certificate.checkIP('127.0.0.1'), name).toBe('127.0.0.1');
        expect(certificate.ca, name).toBe(false);
        expect(createPrivateKey(fs.readFileSync(path.join(dir, `${name}.key`))).asymmetricKeyType).toBe(certificate.publicKey.asymmetricKeyType);
        expect(fs.statSync(path.join(dir, `${name}.key`)).mode & 0o077, `${name}.key is private`).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses only environment variables the code reads', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image?.startsWith('postgres')) continue;
      for (const variable of Object.keys(service.environment ?? {})) expect(isKnownEnvironmentVariable(variable), `${name}: ${variable}`).toBe(true);
    }
  });

  it('lists in ENVIRONMENT only variables that the code really reads', () => {
    for (const variable of ENVIRONMENT) {
      const literal = variable.replace('<NAME>', '');
      expect(source.includes(variable.includes('<NAME>') ? literal : `.${literal}`) || source.includes(`'${literal}'`), variable).toBe(true);
    }
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : walk(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
