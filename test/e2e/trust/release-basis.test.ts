import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphName } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { loadOrCreateCoordinationKey, signPersonBases, type PersonEvidence } from '@finsam/kit/release-basis';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { auditRowsOfRequest, callSubgraph, caseloadWithConsents, type SubgraphAnswer, type SubgraphCaller } from '../../support/subgraph-caller.ts';

/**
 * An attacker who holds a valid gateway token for an agency (one leaked secret or one
 * compromised gateway away) and calls the agency's `_entities` by hand. The agencies must hold
 * even then: they release a person's data only under a basis coordination signed for that
 * person, that agency, that user and that request, and log every refusal.
 */
const AGENCIES = [
  { subgraph: 'sickness-insurance', agency: 'SICKNESS_INSURANCE', field: 'sicknessInsurance', selection: 'sicknessInsurance { cases { benefit } }' },
  { subgraph: 'employment', agency: 'EMPLOYMENT', field: 'employment', selection: 'employment { registrations { registeredOn } }' },
  { subgraph: 'social-services', agency: 'SOCIAL_SERVICES', field: 'socialServices', selection: 'socialServices { assistanceMonths { month } }' },
  { subgraph: 'care', agency: 'CARE', field: 'care', selection: 'care { certificates { issuedOn } }' },
] as const satisfies readonly { subgraph: SubgraphName; agency: string; field: string; selection: string }[];

/** What the old query plan carried and an attacker can make up: every agency's consent, valid today. */
const MADE_UP_CONSENTS = {
  consents: AGENCIES.map(({ agency }) => ({ agency, validFrom: '2020-01-01', validTo: '2099-12-31', revokedAt: null })),
  protectedIdentity: false,
};

type Caller = SubgraphCaller;

describe('agencies verify the release basis, they do not trust it', () => {
  let graph: TestGraph;
  let inCaseload: { personnummer: string; covers: Set<string> }[] = [];
  let outside: { personnummer: string; covers: Set<string> }[] = [];

  const call = (name: SubgraphName, caller: Caller, query: string, variables: Record<string, unknown> = {}) => callSubgraph(graph, name, caller, query, variables);
  const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { personnummer ${selection} } } }`;
  const refusalsIn = async (name: SubgraphName, requestId: string) =>
    auditRowsOfRequest(graph, name, requestId);

  /** A basis as coordination hands it to the agency for one person (through the query plan). */
  const genuineBasis = async (personnummer: string, field: string, caller: Caller): Promise<string> => {
    const answer = await call('coordination', caller, `query($p: String!) { person(personnummer: $p) { ${field}ReleaseBasis } }`, { p: personnummer });
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    return answer.data.person[`${field}ReleaseBasis`] as string;
  };

  beforeAll(async () => {
    graph = await startGraph({ cohortReleases: true, persons: 1000 });
    inCaseload = (await caseloadWithConsents(graph, 'coordinator-1')).slice(0, 25);
    outside = (await caseloadWithConsents(graph, 'coordinator-2')).slice(0, 25);
    expect(inCaseload.length).toBe(25);
    expect(outside.length).toBe(25);
  });
  afterAll(() => graph?.close());

  it('releases nothing through _entities without a basis coordination signed, in or outside the caseload, and logs each refusal', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const persons = [...inCaseload, ...outside].map((p) => p.personnummer);
    const released: Record<string, number> = {};
    const unlogged: Record<string, number> = {};
    for (const { subgraph, agency, field, selection } of AGENCIES) {
      // Signed with a key of the attacker's own, in the shape coordination uses.
      const selfSigned = await signPersonBases({ kid: 'coordination-attacker', privateKey }, agency, { actorId: 'coordinator-1', requestId: 'attack' },
        persons.map((personnummer): PersonEvidence => ({ personnummer, consents: MADE_UP_CONSENTS.consents.filter((c) => c.agency === agency), protectedIdentity: false })));
      const forgeries: Record<string, (personnummer: string, i: number) => Record<string, unknown>> = {
        'no basis': () => ({}),
        'made-up consents': () => ({ releaseBasis: MADE_UP_CONSENTS }),
        'made-up string': () => ({ [`${field}ReleaseBasis`]: JSON.stringify(MADE_UP_CONSENTS) }),
        'signed by another key': (_p, i) => ({ [`${field}ReleaseBasis`]: selfSigned[i], releaseBasis: MADE_UP_CONSENTS }),
      };
      released[agency] = 0;
      unlogged[agency] = 0;
      for (const [name, forge] of Object.entries(forgeries)) {
        const requestId = `attack-${randomUUID()}`;
        const representations = persons.map((personnummer, i) => ({ __typename: 'Person', personnummer, ...forge(personnummer, i) }));
        const answer = await call(subgraph, { requestId }, entities(selection), { r: representations });
        const got = (answer.data?._entities ?? []).filter((e: Record<string, unknown> | null) => e?.[field] != null).length;
        released[agency] += got;
        // Every refusal is in the agency's own log, against the person, under this request.
        const logged = new Set((await refusalsIn(subgraph, requestId)).filter((r) => r.decision === 'REFUSED').map((r) => r.personnummer));
        unlogged[agency] += persons.filter((p) => !logged.has(p)).length;
        expect((answer.errors ?? []).every((e) => e.extensions?.code === "FORBIDDEN"), `${agency}, ${name}`).toBe(true);
      }
    }
    // 4 forgeries × 50 persons per agency.
    console.log('released to an attacker holding only a gateway token:', JSON.stringify(released), 'refusals not logged:', JSON.stringify(unlogged));
    expect(released).toEqual({ SICKNESS_INSURANCE: 0, EMPLOYMENT: 0, SOCIAL_SERVICES: 0, CARE: 0 });
    expect(unlogged).toEqual({ SICKNESS_INSURANCE: 0, EMPLOYMENT: 0, SOCIAL_SERVICES: 0, CARE: 0 });
  });

  it('releases under a genuine basis, and refuses it replayed for another person, agency, user or request, altered, or expired', async () => {
    const target = inCaseload.find((p) => p.covers.has('CARE') && p.covers.has('EMPLOYMENT'))!;
    const other = inCaseload.find((p) => p !== target && p.covers.has('CARE'))!;
    expect(target && other).toBeTruthy();
    const requestId = `genuine-${randomUUID()}`;
    const basis = await genuineBasis(target.personnummer, 'care', { requestId });
    const careEntities = entities('care { certificates { issuedOn } }');
    const released = (answer: SubgraphAnswer) => answer.data?._entities?.[0]?.care != null;

    // The control: the same call as the gateway makes, released.
    const genuine = await call('care', { requestId }, careEntities, { r: [{ __typename: 'Person', personnummer: target.personnummer, careReleaseBasis: basis }] });
    expect(genuine.errors).toBeUndefined();
    expect(released(genuine)).toBe(true);

    const parsed = JSON.parse(basis) as { entry: string };
    const entry = JSON.parse(parsed.entry) as PersonEvidence;
    const altered = JSON.stringify({ ...parsed, entry: JSON.stringify({ ...entry, consents: MADE_UP_CONSENTS.consents }) });
    const expired = (await signPersonBases(await loadOrCreateCoordinationKey(graph.dataDir), 'CARE', { actorId: 'coordinator-1', requestId },
      [entry], Date.now() - 10 * 60_000))[0]!;
    const replays: { name: string; subgraph: SubgraphName; caller: Caller; representation: Record<string, unknown>; reason: string }[] = [
      { name: 'another person', subgraph: 'care', caller: { requestId }, representation: { personnummer: other.personnummer, careReleaseBasis: basis }, reason: 'BASIS_OTHER_PERSON' },
      { name: 'another agency', subgraph: 'employment', caller: { requestId }, representation: { personnummer: target.personnummer, employmentReleaseBasis: basis }, reason: 'BASIS_OTHER_AGENCY' },
      { name: 'another user', subgraph: 'care', caller: { requestId, actorId: 'coordinator-2' }, representation: { personnummer: target.personnummer, careReleaseBasis: basis }, reason: 'BASIS_OTHER_USER' },
      { name: 'another request', subgraph: 'care', caller: { requestId: `later-${randomUUID()}` }, representation: { personnummer: target.personnummer, careReleaseBasis: basis }, reason: 'BASIS_OTHER_REQUEST' },
      { name: 'altered', subgraph: 'care', caller: { requestId }, representation: { personnummer: target.personnummer, careReleaseBasis: altered }, reason: 'BASIS_INVALID' },
      { name: 'expired', subgraph: 'care', caller: { requestId }, representation: { personnummer: target.personnummer, careReleaseBasis: expired }, reason: 'BASIS_EXPIRED' },
    ];
    for (const replay of replays) {
      const selection = replay.subgraph === 'care' ? 'care { certificates { issuedOn } }' : 'employment { registrations { registeredOn } }';
      const answer = await call(replay.subgraph, replay.caller, entities(selection), { r: [{ __typename: 'Person', ...replay.representation }] });
      const sector = replay.subgraph === 'care' ? 'care' : 'employment';
      expect(answer.data?._entities?.[0]?.[sector] ?? null, replay.name).toBeNull();
      expect(answer.errors?.[0]?.extensions, replay.name).toMatchObject({ code: 'FORBIDDEN', reason: replay.reason });
      const logged = await refusalsIn(replay.subgraph, replay.caller.requestId);
      expect(logged, replay.name).toContainEqual({ personnummer: replay.representation.personnummer, decision: 'REFUSED', reason: replay.reason });
    }
  });

  it('signs a caseload page of 50 once per agency, and each agency checks one signature', async () => {
    const total = async (counter: { get(): Promise<{ values: { value: number }[] }> }) => (await counter.get()).values.reduce((n, v) => n + v.value, 0);
    const signed = () => total(graph.subgraphs.coordination.metrics.releaseBasisSignatures);
    const checked = () => Promise.all(AGENCIES.map(({ subgraph }) => total(graph.subgraphs[subgraph].metrics.releaseBasisChecks)));
    const [signedBefore, checkedBefore] = [await signed(), await checked()];
    const sizes = new Map<string, number>();
    for (const p of generatePopulation({ seed: 1, persons: 1000, referenceDate: todayIso() }).persons) sizes.set(p.coordinatorId, (sizes.get(p.coordinatorId) ?? 0) + 1);
    const coordinatorWith50 = [...sizes].find(([, size]) => size >= 50)![0];
    const { body } = await graph.query(await graph.token('coordinator', coordinatorWith50),
      `{ me { caseload(first: 50) { nodes { personnummer ${AGENCIES.map((a) => `${a.field} { __typename }`).join(' ')} } } } }`);
    // Only refusals where a person's consent does not cover an agency.
    expect((body.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN'), JSON.stringify(body.errors?.slice(0, 2))).toEqual([]);
    const nodes = body.data!.me.caseload.nodes as Record<string, unknown>[];
    expect(nodes.length).toBe(50);
    // Released wherever the person's consent covers the agency: the bases are genuine.
    expect(nodes.filter((n) => n.care !== null).length).toBeGreaterThan(0);
    expect(await signed() - signedBefore).toBe(AGENCIES.length);
    expect((await checked()).map((n, i) => n - checkedBefore[i]!)).toEqual(AGENCIES.map(() => 1));
  });

  it('describes a cohort only from its own releases: a member list written into the representation changes nothing', async () => {
    const member = inCaseload.find((p) => p.covers.has('CARE'))!.personnummer;
    const madeUp = JSON.stringify({ agency: 'CARE', memberCount: 1, members: `${member} 2020-01-01 2099-12-31` });
    const id = Buffer.from(JSON.stringify(['2025-01-01', '2025-12-31', null])).toString('base64url');
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Cohort { care { certificatesByChapter { category count { value } } } } } }';
    const plain = await call('care', { requestId: `cohort-${randomUUID()}`, role: 'analyst', actorId: 'analyst-1' }, query, { r: [{ __typename: 'Cohort', id }] });
    const withList = await call('care', { requestId: `cohort-${randomUUID()}`, role: 'analyst', actorId: 'analyst-1' }, query, { r: [{ __typename: 'Cohort', id, careMembers: madeUp, members: [member] }] });
    expect(plain.errors).toBeUndefined();
    expect(withList.data).toEqual(plain.data);
    // And a coordinator gets nothing of it.
    const coordinator = await call('care', { requestId: `cohort-${randomUUID()}` }, query, { r: [{ __typename: 'Cohort', id }] });
    expect(coordinator.data?._entities?.[0]?.care ?? null).toBeNull();
    expect(coordinator.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });

  it('coordination releases nothing about a person outside the caseload through _entities, and logs it', async () => {
    const stranger = outside[0]!.personnummer;
    const requestId = `coordination-${randomUUID()}`;
    const answer = await call('coordination', { requestId },
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { personnummer consents { agency } participations { registeredIn } } } }',
      { r: [{ __typename: 'Person', personnummer: stranger }] });
    const person = answer.data?._entities?.[0];
    expect(person?.consents ?? null).toBeNull();
    expect(person?.participations ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_IN_CASELOAD' });
    const basis = await call('coordination', { requestId },
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { careReleaseBasis } } }', { r: [{ __typename: 'Person', personnummer: stranger }] });
    expect(basis.data?._entities?.[0]?.careReleaseBasis ?? null).toBeNull();
    expect(basis.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_IN_CASELOAD' });
    const logged = await refusalsIn('coordination', requestId);
    expect(logged).toContainEqual({ personnummer: stranger, decision: 'REFUSED', reason: 'NOT_IN_CASELOAD' });
  });
});
