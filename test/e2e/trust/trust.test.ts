import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEV_ISSUER, mintDevToken } from '@finsam/gateway/dev-issuer';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { verifyChain, type AuditDb } from '@finsam/kit/audit';
import { SUBGRAPH_NAMES, type SubgraphName } from '@finsam/kit/config';
import { addDays, todayIso } from '@finsam/kit/dates';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { auditRowsOfRequest, callSubgraph, caseloadWithConsents } from '../../support/subgraph-caller.ts';

const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const ENTITIES = '{ _entities(representations: [{ __typename: "Person", personnummer: "198503123823" }]) { ... on Person { personnummer } } }';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ENTITIES_WITH_BASIS = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { personnummer employmentReleaseBasis } } }';
const EMPLOYMENT_ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { employment { registrations { registeredOn } } } } }';

describe('trust: tokens, consent, caseload, protected identity, audit', () => {
  let graph: TestGraph;
  let coordinator1: string;
  const population = generatePopulation({ seed: 1, persons: 300, referenceDate: todayIso() });

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    coordinator1 = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  const overview = (token: string, personnummer: string) => graph.query(token, PERSON_OVERVIEW, { personnummer });
  const postToSubgraph = async (name: SubgraphName, authorization: string | null, query: string) => {
    const response = await fetch(graph.subgraphUrl(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, text: await response.text() };
  };

  describe('subgraphs answer only the gateway', () => {
    it('refuses _entities, _service and introspection without the gateway\'s token for that subgraph', async () => {
      const gatewayKey = await loadOrCreateGatewayKey(graph.dataDir);
      const caller = { actorId: 'coordinator-1', role: 'coordinator' as const, purpose: 'COORDINATION', requestId: 'r1' };
      for (const name of SUBGRAPH_NAMES) {
        const other = SUBGRAPH_NAMES.find((n) => n !== name)!;
        const credentials = [null, `Bearer ${coordinator1}`, `Bearer ${await signGatewayToken(gatewayKey, caller, other)}`, 'Bearer x.y.z'];
        for (const authorization of credentials) {
          for (const query of [ENTITIES, '{ _service { sdl } }', '{ __schema { types { name } } }']) {
            const response = await postToSubgraph(name, authorization, query);
            expect(response.status, `${name} with ${authorization?.slice(0, 20)}`).toBe(401);
            expect(response.text).not.toMatch(/198503123823|sdl|__schema"/);
          }
        }
      }
    });

    it('answers a token the gateway signed for it', async () => {
      const token = await signGatewayToken(await loadOrCreateGatewayKey(graph.dataDir), { actorId: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' }, 'care');
      const response = await postToSubgraph('care', `Bearer ${token}`, '{ _service { sdl } }');
      expect(response.status).toBe(200);
    });
  });

  describe('the gateway checks user tokens', () => {
    it('refuses an unknown key, an altered payload, alg none, a symmetric algorithm, a wrong issuer or audience, an expired token', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const [header, , signature] = coordinator1.split('.');
      const claims = { sub: 'coordinator-1', role: 'coordinator', iss: DEV_ISSUER, aud: DEFAULT_AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
      const signed = (payload: Record<string, unknown>, key: Parameters<SignJWT['sign']>[0] = privateKey, alg = 'ES256') =>
        new SignJWT(payload).setProtectedHeader({ alg, kid: JSON.parse(Buffer.from(header!, 'base64url').toString()).kid }).sign(key);
      const bad = [
        await signed(claims),
        `${header}.${b64({ ...claims, sub: 'coordinator-2' })}.${signature}`,
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
        await signed(claims, new TextEncoder().encode(fs.readFileSync(path.join(graph.dataDir, 'dev-issuer-key.json'), 'utf8')), 'HS256'),
        await mintDevToken(graph.dataDir, { sub: 'coordinator-1', role: 'coordinator', expiresIn: '-1m' }),
      ];
      for (const token of bad) {
        const response = await graph.query(token, '{ me { id } }');
        expect(response.status).toBe(401);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });
  });

  describe('consent', () => {
    it('releases the sectors the consent covers and refuses the one it lacks, naming agency and reason', async () => {
      const response = await overview(coordinator1, FIXTURE_PERSONS.lacksCare);
      const person = response.body.data!.person;
      expect(person.care).toBeNull();
      expect(person.sicknessInsurance).not.toBeNull();
      expect(person.employment).not.toBeNull();
      expect(person.socialServices).not.toBeNull();
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors![0]).toMatchObject({ path: ['person', 'care'], extensions: { code: 'FORBIDDEN', agency: 'CARE', reason: 'NO_CONSENT' } });
    });

    it('refuses an expired consent as CONSENT_EXPIRED', async () => {
      const expired = population.persons.find((p) => p.consents.some((c) => c.validTo < todayIso() && c.agencies.length === 4));
      expect(expired).toBeDefined();
      const token = await graph.token('coordinator', expired!.coordinatorId);
      const response = await overview(token, expired!.personnummer);
      expect(response.body.data!.person).toMatchObject({ sicknessInsurance: null, employment: null, socialServices: null, care: null });
      expect(response.body.errors!.map((e) => e.extensions?.reason)).toEqual(['CONSENT_EXPIRED', 'CONSENT_EXPIRED', 'CONSENT_EXPIRED', 'CONSENT_EXPIRED']);
    });

    it('a revocation holds from the very next request', async () => {
      const person = FIXTURE_PERSONS.lacksSocialServices;
      expect((await overview(coordinator1, person)).body.data!.person.employment).not.toBeNull();
      const revoked = await graph.query(coordinator1, 'mutation($p: String!) { revokeConsent(personnummer: $p, agency: EMPLOYMENT) { consent { agency revokedAt } } }', { p: person });
      expect(revoked.body.errors).toBeUndefined();
      expect(revoked.body.data!.revokeConsent.consent).toMatchObject({ agency: 'EMPLOYMENT', revokedAt: expect.any(String) });
      const after = await overview(coordinator1, person);
      expect(after.body.data!.person.employment).toBeNull();
      expect(after.body.errors!.find((e) => e.extensions?.agency === 'EMPLOYMENT')?.extensions?.reason).toBe('CONSENT_REVOKED');
      expect(after.body.data!.person.sicknessInsurance).not.toBeNull();
    });

    it('a revocation holds at once against a basis signed before it, replayed by whoever holds the gateway\'s key', async () => {
      // Any person of the caseload with employment consent but the fixtures, which other tests here read.
      const fixtures = new Set<string>(Object.values(FIXTURE_PERSONS));
      const person = (await caseloadWithConsents(graph, 'coordinator-1')).find((p) => p.covers.has('EMPLOYMENT') && !fixtures.has(p.personnummer))!.personnummer;
      const requestId = `replay-${randomUUID()}`;
      const basis = await callSubgraph(graph, 'coordination', { requestId }, ENTITIES_WITH_BASIS, { r: [{ __typename: 'Person', personnummer: person }] });
      const wire = basis.data._entities[0].employmentReleaseBasis as string;
      const revoked = await graph.query(coordinator1, 'mutation($p: String!) { revokeConsent(personnummer: $p, agency: EMPLOYMENT) { consent { agency revokedAt } } }', { p: person });
      expect(revoked.body.errors).toBeUndefined();
      const replayed = await callSubgraph(graph, 'employment', { requestId }, EMPLOYMENT_ENTITIES, { r: [{ __typename: 'Person', personnummer: person, employmentReleaseBasis: wire }] });
      expect(replayed.data?._entities?.[0]?.employment ?? null).toBeNull();
      expect(replayed.errors?.[0]?.extensions?.reason).toBe('CONSENT_WITHDRAWN');
      expect(await auditRowsOfRequest(graph, 'employment', requestId)).toEqual([{ personnummer: person, decision: 'REFUSED', reason: 'CONSENT_WITHDRAWN' }]);
    });

    it('records a consent once however often the same form is sent, and releases the sector at once', async () => {
      const input = { personnummer: '791102-2478', agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'SAMTYCKE-2026/17' };
      const mutation = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency validFrom validTo formReference revokedAt } } }';
      const first = await graph.query(coordinator1, mutation, { i: input });
      const second = await graph.query(coordinator1, mutation, { i: input });
      expect(first.body.errors).toBeUndefined();
      expect(second.body.data!.recordConsent).toEqual(first.body.data!.recordConsent);
      expect(first.body.data!.recordConsent.consents.filter((c: { formReference: string }) => c.formReference === 'SAMTYCKE-2026/17')).toHaveLength(1);
      const response = await overview(coordinator1, FIXTURE_PERSONS.lacksCare);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.person.care).not.toBeNull();
    });

    it('writes a consent change and its audit record together or not at all', async () => {
      const person = FIXTURE_PERSONS.allConsent;
      const record = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency formReference } } }';
      const revoke = 'mutation($p: String!) { revokeConsent(personnummer: $p, agency: CARE) { consent { agency revokedAt } } }';
      const input = { personnummer: person, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'SAMTYCKE-ATOMIC-1' };
      const consentsNow = async () => (await overview(coordinator1, person)).body.data!.person.consents;
      const recordsOf = async () => {
        const db = graph.store('coordination');
        const rows = await db.selectFrom('audit_log').select(['decision', 'fields']).where('personnummer', '=', person).where('decision', 'in', ['RECORDED', 'REVOKED']).execute();
        await db.destroy();
        return rows;
      };
      const before = { consents: await consentsNow(), records: await recordsOf() };

      const restore = await graph.failAuditAppends('coordination');
      try {
        for (const [query, variables] of [[record, { i: input }], [revoke, { p: person }]] as const) {
          const failed = await graph.query(coordinator1, query, variables);
          expect(failed.status).toBeLessThan(500);
          expect(failed.body.data ?? null).toBeNull();
          expect(failed.body.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
          expect(JSON.stringify(failed.body)).not.toMatch(/stacktrace|at .*\.ts|audit write failed|SQLITE|plpgsql/i);
        }
      } finally {
        await restore();
      }
      expect(await consentsNow()).toEqual(before.consents);
      expect(await recordsOf()).toEqual(before.records);

      const recorded = await graph.query(coordinator1, record, { i: input });
      expect(recorded.body.errors).toBeUndefined();
      expect(recorded.body.data!.recordConsent.consents.filter((c: { formReference: string }) => c.formReference === 'SAMTYCKE-ATOMIC-1')).toHaveLength(1);
      expect((await recordsOf()).length).toBe(before.records.length + 1);
      const db = graph.store('coordination');
      expect(await verifyChain(db)).toMatchObject({ ok: true });
      await db.destroy();
    });

    it('refuses malformed consents with BAD_USER_INPUT and writes nothing', async () => {
      const mutation = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency } } }';
      const good = { personnummer: FIXTURE_PERSONS.allConsent, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'F-1' };
      const before = (await overview(coordinator1, FIXTURE_PERSONS.allConsent)).body.data!.person.consents;
      const cases = [
        { ...good, personnummer: '850312-3824' }, { ...good, agencies: [] }, { ...good, validFrom: '2026-02-30' },
        { ...good, validFrom: '2030-01-01', validTo: '2029-01-01' }, { ...good, validTo: '2001-01-01' }, { ...good, formReference: '' },
        { ...good, formReference: "x'; DROP TABLE consent; --" },
      ];
      for (const input of cases) {
        const response = await graph.query(coordinator1, mutation, { i: input });
        expect(response.body.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      }
      const unknownAgency = await graph.query(coordinator1, mutation, { i: { ...good, agencies: ['TAX_AGENCY'] } });
      expect(unknownAgency.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await overview(coordinator1, FIXTURE_PERSONS.allConsent)).body.data!.person.consents).toEqual(before);
    });

    it('lets only the person\'s own coordinator change consents', async () => {
      const others = [await graph.token('coordinator', 'coordinator-2'), await graph.token('analyst', 'analyst-1'), await graph.token('auditor', 'auditor-1')];
      for (const token of others) {
        const response = await graph.query(token, 'mutation($p: String!) { revokeConsent(personnummer: $p, agency: CARE) { consent { agency } } }', { p: FIXTURE_PERSONS.allConsent });
        expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect((await overview(coordinator1, FIXTURE_PERSONS.allConsent)).body.data!.person.care).not.toBeNull();
    });
  });

  describe('caseload access', () => {
    it('refuses a person in another coordinator\'s caseload, and every person to analysts and auditors', async () => {
      const someoneElses = population.persons.find((p) => p.coordinatorId === 'coordinator-2')!.personnummer;
      const refusals = [
        [coordinator1, someoneElses],
        [await graph.token('analyst', 'analyst-1'), FIXTURE_PERSONS.allConsent],
        [await graph.token('auditor', 'auditor-1'), FIXTURE_PERSONS.allConsent],
      ] as const;
      for (const [token, person] of refusals) {
        const response = await overview(token, person);
        expect(response.body.data?.person ?? null).toBeNull();
        expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    });

    it('refuses a caseload to analysts and auditors rather than answering with nothing', async () => {
      for (const token of [await graph.token('analyst', 'analyst-1'), await graph.token('auditor', 'auditor-1')]) {
        const response = await graph.query(token, '{ me { caseload(first: 5) { totalCount nodes { personnummer } } } }');
        expect(response.body.data?.me ?? null).toBeNull();
        expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'ROLE_NOT_ALLOWED']]);
      }
    });
  });

  describe('protected identity', () => {
    it('withholds name and address (null, identityProtection says why), and marks every read in the audit logs', async () => {
      const response = await graph.query(coordinator1, 'query($p: String!) { person(personnummer: $p) { name address identityProtection care { __typename } } }', { p: FIXTURE_PERSONS.protectedIdentity });
      expect(response.body.data!.person).toEqual({ name: null, address: null, identityProtection: 'SKYDDAD_FOLKBOKFORING', care: { __typename: 'Care' } });
      expect(response.body.errors).toBeUndefined();
      // Care logs the read where it decides it: in the region's store (care-14).
      for (const store of ['coordination', ...graph.personStores('care')]) {
        const db = graph.store(store);
        const rows = await db.selectFrom('audit_log').select('protected_identity').where('personnummer', '=', FIXTURE_PERSONS.protectedIdentity).execute();
        await db.destroy();
        expect(rows.length, store).toBeGreaterThan(0);
        expect(rows.every((r) => Number(r.protected_identity) === 1), store).toBe(true);
      }
    });
  });

  describe('audit', () => {
    const TRAIL = 'query($p: String!) { auditTrail(personnummer: $p) { personnummer records { at actor role purpose agency decision reason fields requestId } } }';

    it('gives an auditor the person\'s log extract from every agency that served or refused the reads', async () => {
      await overview(coordinator1, FIXTURE_PERSONS.lacksSicknessInsurance);
      const response = await graph.query(await graph.token('auditor', 'auditor-1'), TRAIL, { p: FIXTURE_PERSONS.lacksSicknessInsurance });
      expect(response.body.errors).toBeUndefined();
      const records = response.body.data!.auditTrail.records as { at: string; actor: string; agency: string; decision: string; reason: string | null }[];
      const byCoordinator = records.filter((r) => r.actor === 'coordinator-1');
      expect(new Set(byCoordinator.map((r) => r.agency))).toEqual(new Set(['COORDINATION', 'SICKNESS_INSURANCE', 'EMPLOYMENT', 'SOCIAL_SERVICES', 'CARE']));
      expect(byCoordinator.find((r) => r.agency === 'SICKNESS_INSURANCE')).toMatchObject({ decision: 'REFUSED', reason: 'NO_CONSENT' });
      expect(records.map((r) => r.at)).toEqual([...records.map((r) => r.at)].sort());
      expect(JSON.stringify(records)).not.toMatch(/Exempelsson|Exempelgatan/);
    });

    it('refuses the audit trail to coordinators and analysts', async () => {
      for (const token of [coordinator1, await graph.token('analyst', 'analyst-1')]) {
        const response = await graph.query(token, TRAIL, { p: FIXTURE_PERSONS.allConsent });
        expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(response.body.data?.auditTrail ?? null).toBeNull();
      }
    });

    it('logs 50 concurrent overviews completely, in order, with valid chains', async () => {
      const persons = population.persons.filter((p) => p.coordinatorId === 'coordinator-1').map((p) => p.personnummer);
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(graph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator1}` },
        body: JSON.stringify({ query: PERSON_OVERVIEW, variables: { personnummer: persons[i % persons.length] } }),
      })));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      // The gateway's ids for the 50 requests, as it hands them on to every subgraph.
      const requestIds = responses.map((r) => r.headers.get('x-request-id')!);
      // Each municipality behind the social services logs its own decision for every request.
      for (const store of [...SUBGRAPH_NAMES.flatMap((name) => graph.personStores(name)), 'gateway' as const]) {
        const db = graph.store(store);
        const rows = await db.selectFrom('audit_log').select(['seq', 'at', 'request_id']).where('request_id', 'in', requestIds).orderBy('seq').execute();
        expect(new Set(rows.map((r) => r.request_id)).size, store).toBe(50);
        expect(rows.map((r) => r.at), store).toEqual([...rows.map((r) => r.at)].sort());
        expect(await verifyChain(db), store).toMatchObject({ ok: true });
        await db.destroy();
      }
    });

    it('releases nothing whose access cannot be logged: a sector, or the whole answer at the gateway', async () => {
      // Care logs a person's reads in each region's store (care-14): none can log, nothing is released.
      const careStores = graph.personStores('care');
      expect(careStores).toEqual(['care-14']);
      const restores = await Promise.all(careStores.map((store) => graph.failAuditAppends(store)));
      try {
        const response = await overview(coordinator1, FIXTURE_PERSONS.allConsent);
        expect(response.body.data!.person.care).toBeNull();
        expect(response.body.data!.person.employment).not.toBeNull();
        expect(response.body.errors?.map((e) => [e.extensions?.serviceName, e.extensions?.code])).toContainEqual(['care', 'SUBGRAPH_UNAVAILABLE']);
      } finally {
        for (const restore of restores) await restore();
      }
      expect((await overview(coordinator1, FIXTURE_PERSONS.allConsent)).body.data!.person.care).not.toBeNull();

      const restoreGateway = await graph.failAuditAppends('gateway');
      try {
        const response = await overview(coordinator1, FIXTURE_PERSONS.allConsent);
        expect(response.status).toBe(500);
        expect(response.body.data ?? null).toBeNull();
        expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(JSON.stringify(response.body)).not.toMatch(/\d{12}|stacktrace|test\)/);
      } finally {
        await restoreGateway();
      }
      expect((await overview(coordinator1, FIXTURE_PERSONS.allConsent)).status).toBe(200);
    });

    it('keeps records append-only, and `npm run audit -- verify` names the first record changed behind its back', async () => {
      const intact = await graph.verifyAudit();
      expect(intact.status).toBe(0);
      expect(intact.out).toMatch(/gateway: \d+ records, chain intact/);
      expect(intact.out).toMatch(/care: \d+ records, chain intact/);
      // The region's store, where care logs a person's reads (and where records 2 and on are).
      const care14 = 'care-14';
      expect(intact.out).toMatch(/care-14: \d+ records, chain intact/);

      const writer = graph.dialect === 'sqlite'
        ? new Kysely<AuditDb>({ dialect: new SqliteDialect({ database: new Database(path.join(graph.dataDir, `${care14}.sqlite`)) }) })
        : graph.store(care14);
      await expect(writer.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
      await expect(writer.deleteFrom('audit_log').where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
      // Someone with the database owner's rights removes the guard and edits a record.
      await graph.dropAuditGuard(care14);
      await writer.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 2).execute();
      await writer.destroy();
      const tampered = await graph.verifyAudit();
      expect(tampered.status).toBe(1);
      expect(tampered.out).toMatch(/care-14: BROKEN at record 2/);
      expect(tampered.out).toMatch(/care: \d+ records, chain intact/);
      expect(tampered.out).toMatch(/coordination: \d+ records, chain intact/);
    });
  });
});
