import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENCY_ROWS, type AgencyRow } from './agencies.ts';

/**
 * The served subgraphs in the order of their default ports (4001 …): coordination, then each
 * agency's subgraph in the agency table's order (agencies.ts).
 */
export const SUBGRAPH_NAMES = ['coordination', ...AGENCY_ROWS.map((row): AgencyRow['subgraph'] => row.subgraph)] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function isSubgraphName(value: string): value is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(value);
}

/**
 * The one setting that moves every port (FINSAM_BASE_PORT, default 4000): the gateway listens on
 * it and the subgraphs on the next five, in SUBGRAPH_NAMES's order (coordination base + 1,
 * sickness-insurance + 2, employment + 3, social-services + 4, care + 5). An explicit PORT (the
 * gateway's, or the one a process is started with) or <NAME>_URL still wins over it.
 */
export const DEFAULT_BASE_PORT = 4000;

export function basePort(env: NodeJS.ProcessEnv = process.env): number {
  const base = intFromEnv('FINSAM_BASE_PORT', DEFAULT_BASE_PORT, env);
  if (base < 1 || base + SUBGRAPH_NAMES.length > 65_535) {
    throw new Error(`FINSAM_BASE_PORT must leave room for ${SUBGRAPH_NAMES.length + 1} ports between 1 and 65535, got ${base}`);
  }
  return base;
}

/** The gateway's port: PORT, else the base port. */
export function gatewayPort(env: NodeJS.ProcessEnv = process.env): number {
  return intFromEnv('PORT', basePort(env), env);
}

/** A subgraph's port unless its URL or PORT says another: base + 1 + its place in SUBGRAPH_NAMES. */
export function defaultSubgraphPort(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): number {
  return basePort(env) + 1 + SUBGRAPH_NAMES.indexOf(name);
}

/** `sickness-insurance` → `SICKNESS_INSURANCE`, the prefix of that subgraph's env variables. */
export function envPrefix(name: SubgraphName): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** Where the gateway reaches a subgraph: `<NAME>_URL`, else the loopback default. */
export function subgraphUrl(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${envPrefix(name)}_URL`] ?? `http://127.0.0.1:${defaultSubgraphPort(name, env)}/graphql`;
}

/**
 * The repository's own `.data`, wherever a command is started from: `npm start`, a subgraph
 * restarted by hand in another terminal and `npm run token` then share one folder without
 * anyone setting DATA_DIR (a second folder meant a second seed and a second dev issuer key, and
 * the gateway's calls answered with 401). The one path in the packages' sources that leaves its
 * package (test/workspaces.test.ts lists it as the exception): found from where a command runs
 * (workspaceRoot) it would be another folder for a subgraph started by hand outside the repository.
 */
export const DEFAULT_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.data');

/**
 * The npm workspace root a command runs in: the nearest folder, from where it started up, whose
 * package.json names workspaces (npm runs root scripts there, and `npm -w` too); else `from`.
 * Computed from where the command runs, not from the kit's place, so that a clone sharing another
 * checkout's node_modules composes and checks its own files.
 */
export function workspaceRoot(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    } catch { /* no package.json here */ }
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/** DATA_DIR made absolute (a relative one is the caller's, from their directory), else DEFAULT_DATA_DIR. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATA_DIR ? path.resolve(env.DATA_DIR) : DEFAULT_DATA_DIR;
}

export function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative whole number, got "${raw}"`);
  }
  return value;
}

/** Listen address: loopback unless HOST says otherwise (containers set 0.0.0.0). */
export function listenHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOST ?? '127.0.0.1';
}

/**
 * Every environment variable a process reads, with `<NAME>` standing for a subgraph's prefix
 * (COORDINATION, SICKNESS_INSURANCE, …) or, for database URLs, also GATEWAY. The README's
 * table and docker-compose.yml are checked against this list by tests.
 */
export const ENVIRONMENT = [
  'PORT', 'FINSAM_BASE_PORT', 'HOST', 'DATA_DIR', 'LOG_LEVEL', 'SEED', 'SEED_PERSONS', 'SEED_DATE', 'SEED_FORBUND',
  '<NAME>_URL', '<NAME>_TIMEOUT_MS', 'SUBGRAPH_TIMEOUT_MS', 'CORS_ORIGINS',
  'JWKS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_CLIENT_ID', 'JWT_ALGORITHMS', 'GATEWAY_JWKS_URL', '<NAME>_JWKS_URL',
  'FORBUND_ID', 'TRUSTED_FORBUND_FILE', '<NAME>_CONTROLLERS',
  'DATABASE_URL', '<NAME>_DATABASE_URL',
  'ANALYST_REQUESTS_PER_MINUTE', 'ANALYST_CONCURRENT_REQUESTS', 'ANALYST_CONCURRENT_REQUESTS_TOTAL', 'ANALYST_MS_PER_SECOND_TOTAL',
  'ANALYST_SUBGRAPH_TIMEOUT_MS', 'METRICS_TOKEN',
  'AUDIT_CHECKPOINT_INTERVAL_MS',
  'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CA_FILE',
  'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
] as const;

/** Every concrete name ENVIRONMENT stands for (`<NAME>` written out for each subgraph, and GATEWAY where it applies). */
export function environmentVariableNames(): string[] {
  const prefixes = [...SUBGRAPH_NAMES.map(envPrefix), 'GATEWAY'];
  return ENVIRONMENT.flatMap((pattern) => pattern.includes('<NAME>') ? prefixes.map((p) => pattern.replace('<NAME>', p)) : [pattern])
    .filter(isKnownEnvironmentVariable);
}

/** Whether a concrete variable name is one of ENVIRONMENT's. */
export function isKnownEnvironmentVariable(name: string): boolean {
  const prefixes = [...SUBGRAPH_NAMES.map(envPrefix), 'GATEWAY'];
  return ENVIRONMENT.some((pattern) => pattern.includes('<NAME>')
    ? prefixes.some((p) => pattern.replace('<NAME>', p) === name && (p !== 'GATEWAY' || pattern === '<NAME>_DATABASE_URL'))
    : pattern === name);
}
