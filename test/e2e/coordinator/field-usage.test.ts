import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedOutput } from '@finsam/kit/command-output';
import { main as usageCommand } from '@finsam/schema/usage';
import { RESERVED_CLIENT_NAMES } from '@finsam/gateway/field-usage';
import { readManifest, requestByHash } from '@finsam/gateway/registered-operations';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { freePort } from '../../support/free-port.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { runTool } from '../../support/run-tool.ts';

/**
 * Field usage (issue 14 item 4): the gateway counts, per executed request, each schema
 * coordinate the request used, by registered operation and client name; `npm run usage` reads
 * those counts from a running gateway's /metrics and says who uses a field, so a deprecation
 * can end. The coordinator operations are sent as the coordinator web client sends them (by
 * hash, with Apollo Client's client-name header), and the command is run as a developer runs it.
 */
const manifest = readManifest();
const registered = (name: string) => manifest.operations.find((o) => o.name === name)!;
const CLIENT = 'finsam-coordinator';

interface UsageRow { coordinate: string; deprecated: string | null; inSchema: boolean; total: number; uses: { operation: string; client: string; count: number }[] }
interface UsageJson { source: string; fields: UsageRow[]; unusedDeprecated: string[]; unused?: string[] }

describe('field usage: npm run usage after the coordinator operations', () => {
  let graph: TestGraph;
  let coordinator: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 120, registeredOperations: true });
    coordinator = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  async function post(token: string | null, body: unknown, client: string | null = CLIENT) {
    const response = await fetch(graph.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(client !== null ? { 'apollographql-client-name': client } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() as { data?: any; errors?: { extensions?: { code?: string } }[] } };
  }

  /** `npm run usage` as a developer runs it, against this graph's gateway: its code, in this process. */
  async function usage(args: string[], env: NodeJS.ProcessEnv = { METRICS_TOKEN: graph.metricsToken }) {
    const output = capturedOutput();
    const code = await usageCommand(args, { ...process.env, ...env }, output);
    return { code, stdout: output.stdout(), stderr: output.stderr() };
  }


  async function usageJson(extra: string[] = []): Promise<UsageJson> {
    const result = await usage(['--url', graph.gatewayUrl, '--json', ...extra]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as UsageJson;
  }

  const row = (report: UsageJson, coordinate: string) => report.fields.find((f) => f.coordinate === coordinate);
  const count = (report: UsageJson, coordinate: string, operation: string, client = CLIENT) =>
    row(report, coordinate)?.uses.find((u) => u.operation === operation && u.client === client)?.count ?? 0;

  it('lists the fields Caseload and PersonOverview used, with counts per operation and client', async () => {
    const caseload = await post(coordinator, requestByHash(registered('Caseload'), { first: 100 }));
    expect(caseload.body.errors).toBeUndefined();
    const id = caseload.body.data.me.caseload.nodes.find((n: { personnummer: string }) => n.personnummer === FIXTURE_PERSONS.allConsent).id;
    for (let i = 0; i < 2; i++) {
      const overview = await post(coordinator, requestByHash(registered('PersonOverview'), { id }));
      expect(overview.body.errors).toBeUndefined();
    }

    const report = await usageJson();
    // Person.name: in both operations; counted once per request, however many persons the caseload page held.
    expect(count(report, 'Person.name', 'PersonOverview')).toBe(2);
    expect(count(report, 'Person.name', 'Caseload')).toBe(1);
    expect(row(report, 'Person.name')!.total).toBe(3);
    // The root fields, and fields deep in PersonOverview.
    expect(count(report, 'Query.person', 'PersonOverview')).toBe(2);
    expect(count(report, 'Query.me', 'Caseload')).toBe(1);
    expect(count(report, 'Coordinator.caseload', 'Caseload')).toBe(1);
    expect(count(report, 'WorkCapacityStep.reduction', 'PersonOverview')).toBe(2);
    expect(row(report, 'Query.person')!.uses).toEqual([{ operation: 'PersonOverview', client: CLIENT, count: 2 }]);
    // No meta-field and nothing these operations did not select.
    expect(report.fields.some((f) => f.coordinate.includes('__'))).toBe(false);
    expect(row(report, 'Mutation.recordConsent')).toBeUndefined();
    expect(row(report, 'Query.auditTrail')).toBeUndefined();
    // One field is deprecated (the follow-up's suppression threshold, since figures come from the
    // statistics release): listed first, with its reason, and unused by these operations.
    const deprecated = report.fields.filter((f) => f.deprecated !== null);
    expect(deprecated.map((f) => f.coordinate)).toEqual(['FollowUpReport.suppressionThreshold']);
    expect(report.fields[0]!.coordinate).toBe('FollowUpReport.suppressionThreshold');
    expect(deprecated[0]!.deprecated).toMatch(/statistics release/);
    expect(report.unusedDeprecated).toEqual(['FollowUpReport.suppressionThreshold']);
    expect(report.fields.every((f) => f.inSchema)).toBe(true);
    // Then ordered by count.
    const totals = report.fields.filter((f) => f.deprecated === null).map((f) => f.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });

  it('prints a table naming each field, its count and who used it', async () => {
    const result = await usage(['--url', graph.gatewayUrl]);
    expect(result.code).toBe(0);
    const line = result.stdout.split('\n').find((l) => l.trimStart().startsWith('Person.name '));
    expect(line).toBeDefined();
    expect(line).toMatch(/\b3\b/);
    expect(result.stdout).toMatch(/PersonOverview \/ finsam-coordinator: 2/);
    expect(result.stdout).toMatch(/Caseload \/ finsam-coordinator: 1/);
    expect(result.stdout).toMatch(/Deprecated and not used since the gateway started \(1\): FollowUpReport.suppressionThreshold/);
  });

  it('lists with --unused the fields no request used, the mutations among them', async () => {
    const report = await usageJson(['--unused']);
    expect(report.unused).toContain('Mutation.recordConsent');
    expect(report.unused).toContain('Query.auditTrail');
    expect(report.unused).not.toContain('Person.name');
  });

  it('counts an analyst\'s ad hoc query under ad-hoc, never its text or name, without its introspection, and a request without the header under unknown', async () => {
    const analyst = await graph.token('analyst', 'analyst-1');
    const answer = await post(analyst, { query: 'query MyOwnName { __typename __schema { queryType { name } } interventionFollowUp(from: "2025-01-01", to: "2025-12-31") { suppressionThreshold } }' }, null);
    expect(answer.body.errors).toBeUndefined();
    const metrics = await graph.metrics('gateway');
    const lines = metrics.split('\n').filter((l) => l.startsWith('graphql_field_usage_total{') && l.includes('Query.interventionFollowUp'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('operation="ad-hoc"');
    expect(lines[0]).toContain('client="unknown"');
    expect(metrics).not.toContain('MyOwnName');
    // Introspection is GraphQL's own, not a field of the graph.
    expect(metrics).not.toMatch(/coordinate="(__|[^"]*\.__)/);
  });

  it('does not count requests refused before execution: unauthenticated, not registered, invalid', async () => {
    const before = await graph.metrics('gateway');
    const analyst = await graph.token('analyst', 'analyst-1');
    expect((await post(null, requestByHash(registered('Caseload'), { first: 1 }))).status).toBe(401);
    expect((await post(coordinator, { query: '{ me { id name } }' })).body.errors![0]!.extensions!.code).toBe('OPERATION_NOT_REGISTERED');
    expect((await post(analyst, { query: '{ interventionFollowUp(from: "2025-01-01", to: "2025-12-31") { noSuchField } }' })).body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const usageLines = (text: string) => text.split('\n').filter((l) => l.startsWith('graphql_field_usage_total{')).sort();
    expect(usageLines(await graph.metrics('gateway'))).toEqual(usageLines(before));
  });

  it('gives a hostile client name no label of its own: out-of-charset, too long, personnummer-like, or one name too many', async () => {
    const hostile = ['x",operation="Evil', '<script>', 'a'.repeat(65), FIXTURE_PERSONS.allConsent, `pnr-${FIXTURE_PERSONS.allConsent}`];
    for (const client of hostile) {
      expect((await post(coordinator, requestByHash(registered('Caseload'), { first: 1 }), client)).body.errors).toBeUndefined();
    }
    // A flood of well-formed names: after the cap, every new name shares one label.
    for (let i = 0; i < 60; i++) await post(coordinator, requestByHash(registered('Caseload'), { first: 1 }), `flood-${i}`);
    const metrics = await graph.metrics('gateway');
    const clients = new Set([...metrics.matchAll(/^graphql_field_usage_total\{.*?client="([^"]*)"/gm)].map((m) => m[1]));
    for (const client of hostile) expect(clients.has(client)).toBe(false);
    expect(metrics).not.toContain(FIXTURE_PERSONS.allConsent);
    expect(metrics).not.toContain('Evil');
    expect(clients.has('invalid')).toBe(true);
    expect(clients.has('other')).toBe(true);
    // 50 free names, the reserved coordinator client, and unknown/invalid/other.
    expect(clients.size).toBeLessThanOrEqual(50 + RESERVED_CLIENT_NAMES.length + 3);
    // Those requests are counted all the same, under the shared labels.
    const report = await usageJson();
    expect(count(report, 'Query.me', 'Caseload', 'invalid')).toBe(hostile.length);
    expect(count(report, 'Query.me', 'Caseload', 'other')).toBeGreaterThan(0);
  });

  it('exits 2 naming the URL when no gateway answers there, and naming METRICS_TOKEN when /metrics refuses', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runTool('schema/usage.ts', ['--url', nowhere]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(nowhere);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
    const wrongToken = await usage(['--url', graph.gatewayUrl, '--token', 'not-the-token'], { METRICS_TOKEN: '' });
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toMatch(/METRICS_TOKEN/);
    expect(wrongToken.stderr).toContain(graph.gatewayUrl);
    const noToken = await usage(['--url', graph.gatewayUrl], { METRICS_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/METRICS_TOKEN/);
  });
});
