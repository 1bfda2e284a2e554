import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '@finsam/kit/dates';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { writtenForms } from '@finsam/kit/personnummer';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const PERSON_OVERVIEW = fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/PersonOverview.graphql'), 'utf8');

describe('logs and metrics', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, logLines: lines });
  });
  afterAll(() => graph?.close());

  it('log JSON lines with the request id in every process, and never a personnummer or a name', async () => {
    const token = await graph.token();
    const population = generatePopulation({ seed: 1, persons: 200, referenceDate: todayIso() });
    const mine = population.persons.filter((p) => p.coordinatorId === 'coordinator-1');
    const first = await fetch(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: PERSON_OVERVIEW, variables: { personnummer: FIXTURE_PERSONS.allConsent } }),
    });
    // The gateway's id for the request, which it hands on to every subgraph.
    const requestId = first.headers.get('x-request-id')!;
    for (const person of mine) await graph.query(token, `${PERSON_OVERVIEW}`, { personnummer: person.personnummer });
    await graph.query(token, '{ me { caseload(first: 40) { nodes { personnummer name address } } } }');
    // Refusals and bad input are logged too, and must not echo what was sent.
    await graph.query(token, PERSON_OVERVIEW, { personnummer: '850312-3824' });
    await graph.query(token, PERSON_OVERVIEW, { personnummer: population.persons.find((p) => p.coordinatorId !== 'coordinator-1')!.personnummer });
    await graph.query('garbage', PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });

    expect(lines.length).toBeGreaterThan(50);
    const parsed = lines.map((line) => JSON.parse(line) as { service: string; requestId?: string });
    const services = new Set(parsed.filter((l) => l.requestId === requestId).map((l) => l.service));
    expect(services).toEqual(new Set(['gateway', 'coordination', 'sickness-insurance', 'employment', 'social-services', 'care']));

    const text = lines.join('\n');
    const secrets = mine.flatMap((p) => [...writtenForms(p.personnummer), `${p.givenName} ${p.familyName}`, p.address]);
    for (const secret of [...secrets, '850312-3824', '8503123824']) expect(text).not.toContain(secret);
  });

  it('never log an obstacle\'s note, refused or recorded (RecordObstacle)', async () => {
    const token = await graph.token();
    const note = 'Anteckning-som-aldrig-loggas 19850312-3823 Olga';
    const recordObstacle = 'mutation($input: RecordObstacleInput!) { recordObstacle(input: $input) { obstacle { id note } } }';
    const before = lines.length;
    const recorded = await graph.query(token, recordObstacle, { input: { personnummer: FIXTURE_PERSONS.allConsent, code: 'OTHER', agencies: ['CARE'], note } });
    expect(recorded.body.data!.recordObstacle.obstacle.note).toBe(note);
    const tooLong = await graph.query(token, recordObstacle, { input: { personnummer: FIXTURE_PERSONS.allConsent, code: 'OTHER', agencies: ['CARE'], note: `${note} ${'x'.repeat(300)}` } });
    expect(tooLong.body.errors?.[0]?.extensions?.argument).toBe('input.note');
    expect(JSON.stringify(tooLong.body)).not.toContain('Anteckning-som-aldrig-loggas');
    expect(lines.length).toBeGreaterThan(before);
    const text = lines.slice(before).join('\n');
    for (const secret of ['Anteckning-som-aldrig-loggas', '19850312-3823', '198503123823']) expect(text).not.toContain(secret);
    // Nor in the audit records' text: they name the code and the agencies, never the note.
    const coordination = graph.store('coordination');
    const records = await coordination.selectFrom('audit_log').select(['fields', 'reason']).where('personnummer', '=', FIXTURE_PERSONS.allConsent).execute().finally(() => coordination.destroy());
    expect(JSON.stringify(records)).not.toContain('Anteckning-som-aldrig-loggas');
    expect(JSON.stringify(records)).toContain('obstacle.note');
  });

  it('expose request counts, latency histograms and statement counters on /metrics', async () => {
    const gateway = await graph.metrics('gateway');
    expect(gateway).toMatch(/http_requests_total\{route="\/graphql",status="200"[^}]*\} [1-9]/);
    expect(gateway).toMatch(/http_request_duration_seconds_bucket\{le="0.5",[^}]*route="\/graphql"/);
    const care = await graph.metrics('care');
    expect(care).toMatch(/db_statements_total\{subgraph="care",kind="data"[^}]*\} [1-9]/);
    expect(care).toMatch(/db_statements_total\{subgraph="care",kind="audit"[^}]*\} [1-9]/);
  });
});
