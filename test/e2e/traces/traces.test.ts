import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, requestByHash } from '@finsam/gateway/registered-operations';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { addDays, todayIso } from '@finsam/kit/dates';
import { writtenForms } from '@finsam/kit/personnummer';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { startParts, type TestParts } from '../../support/parts.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver.ts';

const PERSONS = 200;
const SERVER = 2;
const operations = readManifest().operations;
const registered = (name: string, variables: Record<string, unknown>) => requestByHash(operations.find((o) => o.name === name)!, variables);

/**
 * The graph as `npm start` runs it, every process exporting its spans over OTLP/HTTP to a real
 * receiver in the test (OTEL_EXPORTER_OTLP_ENDPOINT). Processes, not the in-process graph: a
 * process has one tracer provider, and each part is a service of its own (service.name).
 */
describe('traces across the graph', () => {
  let receiver: OtlpReceiver;
  let graph: TestParts;
  /** The request ids of what the scenario asked, and the texts it sent that must not be in any span. */
  const asked: { personOverview?: string } = {};
  const sentTexts: string[] = [];
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // A short batch delay, so that spans arrive while the test waits; the batching is the same.
    // A busy shared core is not a slow agency: the gateway waits 20 s for a subgraph, as in startGraph.
    graph = await startParts({ subgraphs: SUBGRAPH_NAMES, persons: PERSONS, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200', SUBGRAPH_TIMEOUT_MS: '20000' } });
    const token = await graph.token();
    const overview = await graph.post(token, registered('PersonOverview', { personnummer: FIXTURE_PERSONS.allConsent }));
    expect(overview.status).toBe(200);
    expect(overview.body.errors).toBeUndefined();
    asked.personOverview = overview.requestId;
    const caseload = await graph.post(token, registered('Caseload', { first: 40 }));
    expect(caseload.body.errors).toBeUndefined();
    // A search by part of a name, and a consent write with a form reference: free text both.
    const population = generatePopulation({ seed: 1, persons: PERSONS, referenceDate: todayIso() });
    const someone = population.persons.find((p) => p.coordinatorId === 'coordinator-1' && p.personnummer !== FIXTURE_PERSONS.allConsent)!;
    sentTexts.push(someone.familyName, 'SAMTYCKE-Olga-Blomqvist-42');
    const found = await graph.post(token, registered('FindPerson', { text: someone.familyName, first: 10 }));
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data!.findPerson.nodes.length).toBeGreaterThan(0);
    const recorded = await graph.post(token, registered('RecordConsent', {
      input: { personnummer: FIXTURE_PERSONS.lacksCare, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'SAMTYCKE-Olga-Blomqvist-42' },
    }));
    expect(recorded.body.errors).toBeUndefined();
    // An analyst's own query, named after a person: the name is the client's text, and must not be recorded.
    const adHocName = `${someone.familyName}_${someone.address}`.normalize('NFD').replace(/[^A-Za-z0-9]+/g, '_');
    sentTexts.push(adHocName);
    const adHoc = await graph.post(await graph.token('analyst', 'analyst-1'), { query: `query ${adHocName} { __typename }` });
    expect(adHoc.body.errors).toBeUndefined();
    // Stopped as Ctrl-C stops `npm start`: each process flushes what it has not yet sent.
    await graph.stopAll();
  }, 300_000);
  afterAll(async () => {
    await graph?.close();
    await receiver?.close();
  });

  it('gives one PersonOverview one trace, with spans from the gateway and all five subgraphs, each subgraph\'s server span under the gateway.fetch that called it', () => {
    const root = receiver.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && s.attributes['finsam.request_id'] === asked.personOverview);
    expect(root, 'the gateway\'s server span of the PersonOverview request').toBeDefined();
    expect(root!.parentSpanId).toBe('');
    const trace = receiver.spans.filter((s) => s.traceId === root!.traceId);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['gateway', ...SUBGRAPH_NAMES]));
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    // Correctly parented: every span but the root has its parent in the same trace.
    for (const span of trace) if (span !== root) expect(byId.get(span.parentSpanId), `${span.service} ${span.name}'s parent`).toBeDefined();
    const gatewayNames = new Set(trace.filter((s) => s.service === 'gateway').map((s) => s.name));
    for (const name of ['gateway.request', 'gateway.validate', 'gateway.plan', 'gateway.execute', 'gateway.fetch', 'gateway.postprocessing']) expect(gatewayNames).toContain(name);
    for (const subgraph of SUBGRAPH_NAMES) {
      const servers = trace.filter((s) => s.service === subgraph && s.kind === SERVER);
      expect(servers.length, `${subgraph}'s server spans`).toBeGreaterThan(0);
      for (const server of servers) {
        const parent = byId.get(server.parentSpanId)!;
        expect([parent.service, parent.name, parent.attributes['subgraph.name']]).toEqual(['gateway', 'gateway.fetch', subgraph]);
      }
      const own = trace.filter((s) => s.service === subgraph);
      const names = own.map((s) => s.name);
      // The entry field it resolved, the statements it ran (by kind and table) and the audit records it wrote.
      expect(names.some((n) => n.startsWith('graphql.resolve Query.')), `${subgraph}: ${names.join(', ')}`).toBe(true);
      const statements = own.filter((s) => s.attributes['db.system.name'] === 'sqlite');
      expect(statements.length, `${subgraph}: ${names.join(', ')}`).toBeGreaterThan(0);
      for (const statement of statements) expect(statement.name).toMatch(/^[A-Z]+( \w+)?$/);
      expect(names, subgraph).toContain('audit.append');
    }
    // Each agency's release decision, with its decision as an attribute.
    const releases = trace.filter((s) => s.name === 'release.decide');
    expect(new Set(releases.map((s) => s.service))).toEqual(new Set(SUBGRAPH_NAMES.filter((n) => n !== 'coordination')));
    for (const release of releases) expect(release.attributes['finsam.release.decision']).toBe('RELEASED');
  });

  it('leaves no span without its parent, in any trace any process sent', () => {
    expect(receiver.spans.length).toBeGreaterThan(50);
    const ids = new Set(receiver.spans.map((s) => s.spanId));
    const orphans = receiver.spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId));
    expect(orphans.map((s: ReceivedSpan) => `${s.service} ${s.name}`)).toEqual([]);
  });

  it('records no personal data: no personnummer in any written form, no name, no address, no free text, in any span, attribute or event', () => {
    expect(receiver.raw.length).toBeGreaterThan(0);
    const everything = receiver.raw.join('\n');
    const population = generatePopulation({ seed: 1, persons: PERSONS, referenceDate: todayIso() });
    const found: string[] = [];
    for (const person of population.persons) {
      const secrets = [...writtenForms(person.personnummer), `${person.givenName} ${person.familyName}`, person.familyName, person.address];
      for (const secret of secrets) if (everything.includes(secret)) found.push(secret);
    }
    for (const text of sentTexts) if (everything.includes(text)) found.push(text);
    expect(found).toEqual([]);
  });

  it('sends only to the configured endpoint\'s /v1/traces, as OTLP/HTTP JSON', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) expect(request).toEqual({ path: '/v1/traces', contentType: expect.stringContaining('application/json') });
  });
});
