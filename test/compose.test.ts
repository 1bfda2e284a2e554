import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT, SUBGRAPH_NAMES, defaultSubgraphPort, envPrefix, isKnownEnvironmentVariable } from '../subgraphs/shared/src/config.ts';

const root = path.join(import.meta.dirname, '..');

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is held to the code: every
 * service, port, command and environment variable must be one the code has.
 */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;
  const packageScripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const source = [...walk(path.join(root, 'gateway/src')), ...walk(path.join(root, 'subgraphs'))].map((f) => fs.readFileSync(f, 'utf8')).join('\n');

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
      expect(service.environment?.GATEWAY_JWKS_URL).toBe('http://gateway:4000/.well-known/jwks.json');
      expect(source).toContain("'/.well-known/jwks.json'");
    }
  });

  it('points the gateway at every subgraph where that subgraph listens', () => {
    const gateway = services.gateway!;
    expect(gateway.command).toEqual(['npm', 'run', 'start:gateway']);
    expect(packageScripts['start:gateway']).toBeDefined();
    expect(gateway.ports).toContain(`${gateway.environment!.PORT}:${gateway.environment!.PORT}`);
    for (const name of SUBGRAPH_NAMES) {
      expect(gateway.environment?.[`${envPrefix(name)}_URL`]).toBe(`http://${name}:${services[name]!.environment!.PORT}/graphql`);
    }
    expect(new URL(gateway.environment!.GATEWAY_DATABASE_URL!).hostname).toBe('gateway-db');
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
