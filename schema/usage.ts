/**
 * `npm run usage [-- --url http://127.0.0.1:4000] [--token <METRICS_TOKEN>] [--unused] [--json]`:
 * who uses which field of the API schema, read from a running gateway's /metrics
 * (graphql_field_usage_total, field-usage.ts) and the API schema of schema/supergraph.graphql.
 * One row per field used since that gateway started, and one per deprecated field even when
 * unused: deprecated fields first, then by the number of requests. A deprecated field with no use
 * is what lets its removal go ahead. Exits 2, naming the URL, when the gateway cannot be read.
 * docs/agency-developers.md describes the output.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GraphQLSchema } from 'graphql';
import { apiSchema } from './check.ts';
import { SUPERGRAPH_FILE } from './compose.ts';
import { FIELD_USAGE_METRIC } from '@finsam/kit/operations';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';

// The schema apiSchema() builds is graphql's CommonJS build's (schema/check.ts): its predicates.
const { isInterfaceType, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** One series of graphql_field_usage_total. */
export interface UsageSample { coordinate: string; operation: string; client: string; count: number }

export interface FieldUsage {
  coordinate: string;
  /** The deprecation reason when the field is @deprecated in the API schema, else null. */
  deprecated: string | null;
  /** False for a coordinate the gateway counted that the API schema read here lacks (another revision's). */
  inSchema: boolean;
  /** Requests that used the field. */
  total: number;
  /** By operation and client, most first. */
  uses: { operation: string; client: string; count: number }[];
}

export interface UsageReport {
  /** Where the counts were read. */
  source: string;
  /** Fields used, and every deprecated field: deprecated first, then by total, most first. */
  fields: FieldUsage[];
  /** Deprecated fields no request used. */
  unusedDeprecated: string[];
  /** With --unused: every field of the API schema no request used. */
  unused?: string[];
}

const SAMPLE = new RegExp(`^${FIELD_USAGE_METRIC}\\{(.*)\\}\\s+(\\S+)`);
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescapeLabel = (value: string) => value.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));

/** The field usage series of a Prometheus text exposition. */
export function parseFieldUsage(metrics: string): UsageSample[] {
  const samples: UsageSample[] = [];
  for (const line of metrics.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(LABEL)].map((m) => [m[1]!, unescapeLabel(m[2]!)]));
    const count = Number(match[2]);
    if (labels.coordinate === undefined || !Number.isFinite(count) || count <= 0) continue;
    samples.push({ coordinate: labels.coordinate, operation: labels.operation ?? '', client: labels.client ?? '', count });
  }
  return samples;
}

/** Every field of the API schema's object and interface types, with its deprecation reason (null when not deprecated). */
export function schemaFields(schema: GraphQLSchema): Map<string, string | null> {
  const fields = new Map<string, string | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) fields.set(`${type.name}.${field.name}`, field.deprecationReason ?? null);
  }
  return fields;
}

export function usageReport(schema: GraphQLSchema, samples: UsageSample[], options: { source: string; unused?: boolean }): UsageReport {
  const fields = schemaFields(schema);
  const rows = new Map<string, FieldUsage>();
  const rowOf = (coordinate: string): FieldUsage => {
    let row = rows.get(coordinate);
    if (!row) {
      row = { coordinate, deprecated: fields.get(coordinate) ?? null, inSchema: fields.has(coordinate), total: 0, uses: [] };
      rows.set(coordinate, row);
    }
    return row;
  };
  for (const sample of samples) {
    const row = rowOf(sample.coordinate);
    row.total += sample.count;
    row.uses.push({ operation: sample.operation, client: sample.client, count: sample.count });
  }
  for (const [coordinate, reason] of fields) if (reason !== null) rowOf(coordinate);
  const ordered = [...rows.values()].sort((a, b) => Number(b.deprecated !== null) - Number(a.deprecated !== null)
    || b.total - a.total || a.coordinate.localeCompare(b.coordinate));
  for (const row of ordered) row.uses.sort((a, b) => b.count - a.count || a.operation.localeCompare(b.operation) || a.client.localeCompare(b.client));
  return {
    source: options.source,
    fields: ordered,
    unusedDeprecated: ordered.filter((r) => r.deprecated !== null && r.total === 0).map((r) => r.coordinate),
    ...(options.unused ? { unused: [...fields.keys()].filter((c) => !rows.get(c)?.total).sort() } : {}),
  };
}

/** The report as the command prints it. */
export function formatUsage(report: UsageReport): string {
  const lines = [`Requests that used each field since the gateway started, from ${report.source}:`];
  if (report.fields.length === 0) lines.push('  No request has used a field yet.');
  else {
    const deprecation = (row: FieldUsage) => (row.deprecated !== null ? `yes: ${row.deprecated}` : row.inSchema ? '-' : 'not in the schema');
    const width = (values: string[], heading: string) => Math.max(heading.length, ...values.map((v) => v.length));
    const fieldWidth = width(report.fields.map((r) => r.coordinate), 'FIELD');
    const deprecatedWidth = Math.min(40, width(report.fields.map(deprecation), 'DEPRECATED'));
    const totalWidth = width(report.fields.map((r) => String(r.total)), 'REQUESTS');
    lines.push(`  ${'FIELD'.padEnd(fieldWidth)}  ${'DEPRECATED'.padEnd(deprecatedWidth)}  ${'REQUESTS'.padStart(totalWidth)}  BY OPERATION / CLIENT`);
    for (const row of report.fields) {
      const uses = row.uses.map((u) => `${u.operation} / ${u.client}: ${u.count}`).join(', ') || '-';
      lines.push(`  ${row.coordinate.padEnd(fieldWidth)}  ${deprecation(row).padEnd(deprecatedWidth)}  ${String(row.total).padStart(totalWidth)}  ${uses}`);
    }
  }
  const deprecated = report.fields.filter((r) => r.deprecated !== null);
  if (deprecated.length === 0) lines.push('No field is deprecated in the API schema.');
  else if (report.unusedDeprecated.length === 0) lines.push('Every deprecated field was used since the gateway started: none can be removed yet.');
  else lines.push(`Deprecated and not used since the gateway started (${report.unusedDeprecated.length}): ${report.unusedDeprecated.join(', ')}.`,
    'Their removal can go ahead once that time covers the deprecation window (docs/agency-developers.md).');
  if (report.unused) lines.push(`Fields no request used since the gateway started (${report.unused.length}):`, ...report.unused.map((c) => `  ${c}`));
  return lines.join('\n');
}

export type MetricsRead = { ok: true; text: string } | { ok: false; message: string };

/** A gateway's /metrics text, or why it could not be read, naming the URL and what to do. */
export async function readGatewayMetrics(gatewayUrl: URL, token: string | undefined): Promise<MetricsRead> {
  const url = new URL('/metrics', gatewayUrl);
  let response: Response;
  try {
    response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, message: `No gateway answered at ${gatewayUrl.origin} (${why}): start it with npm start, or name it with --url.` };
  }
  const text = await response.text();
  if (response.status === 200) {
    if (!text.includes(`# TYPE ${FIELD_USAGE_METRIC} `)) return { ok: false, message: `${url} has no ${FIELD_USAGE_METRIC}: is ${gatewayUrl.origin} the gateway (not a subgraph), of this revision?` };
    return { ok: true, text };
  }
  if (response.status === 403) {
    return { ok: false, message: `${url} is off: the gateway at ${gatewayUrl.origin} was started without METRICS_TOKEN. Start it with METRICS_TOKEN set, and give npm run usage the same one (METRICS_TOKEN or --token).` };
  }
  if (response.status === 401) {
    return { ok: false, message: token
      ? `The gateway at ${gatewayUrl.origin} refused the token: give the METRICS_TOKEN it was started with (METRICS_TOKEN or --token).`
      : `The gateway at ${gatewayUrl.origin} answers /metrics only with its METRICS_TOKEN: set METRICS_TOKEN or pass --token.` };
  }
  return { ok: false, message: `${url} answered HTTP ${response.status}.` };
}

const USAGE = 'Usage: npm run usage -- [--url http://127.0.0.1:4000] [--token <METRICS_TOKEN>, default $METRICS_TOKEN] [--unused] [--json]';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string', default: `http://127.0.0.1:${env.PORT || env.FINSAM_BASE_PORT || 4000}` },
        token: { type: 'string' },
        unused: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    print.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let gatewayUrl: URL;
  try {
    gatewayUrl = new URL(values.url);
  } catch {
    print.err(`--url ${values.url} is not a URL, e.g. http://127.0.0.1:4000\n${USAGE}`);
    return 2;
  }
  const read = await readGatewayMetrics(gatewayUrl, values.token || env.METRICS_TOKEN || undefined);
  if (!read.ok) {
    print.err(read.message);
    return 2;
  }
  const schema = apiSchema(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'));
  const report = usageReport(schema, parseFieldUsage(read.text), { source: new URL('/metrics', gatewayUrl).toString(), unused: values.unused });
  print.out(values.json ? JSON.stringify(report, null, 2) : formatUsage(report));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    consoleOutput.err(`npm run usage: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
