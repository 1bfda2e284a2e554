import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, loadOrCreateDevIssuer } from '@finsam/gateway/dev-issuer';
import { addDays, todayIso } from '@finsam/kit/dates';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const TRAIL = `query($p: String!) { auditTrail(personnummer: $p) { records {
  at actor role purpose agency decision reason fields withheldFields protectedIdentity requestId } } }`;

interface TrailRecord {
  actor: string; role: string; purpose: string; agency: string; decision: string; reason: string | null;
  fields: string[]; withheldFields: string[]; protectedIdentity: boolean; requestId: string;
}

/** Token times, user purpose, consent bounds and what the audit trail tells, tried through the gateway. */
describe('hygiene: token rules, consent bounds, an audit trail that says what happened', () => {
  let graph: TestGraph;
  let coordinator1: string;
  let auditor: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    coordinator1 = await graph.token('coordinator', 'coordinator-1');
    auditor = await graph.token('auditor', 'auditor-1');
  });
  afterAll(() => graph?.close());

  const trailOf = async (personnummer: string): Promise<TrailRecord[]> => {
    const response = await graph.query(auditor, TRAIL, { p: personnummer });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.auditTrail.records as TrailRecord[];
  };

  describe('user tokens', () => {
    const HOUR = 3600;
    const now = () => Math.floor(Date.now() / 1000);
    /** Signed with the dev issuer's own key: only the claims differ from a token `npm run token` mints. */
    async function signed(claims: Record<string, unknown>, times: { iat?: number; exp?: number } = {}) {
      const issuer = await loadOrCreateDevIssuer(graph.dataDir);
      return new SignJWT({ role: 'coordinator', ...claims })
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid: issuer.kid })
        .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('coordinator-1')
        .setIssuedAt(times.iat ?? now()).setExpirationTime(times.exp ?? now() + HOUR)
        .sign(await importJWK(issuer.privateJwk, DEV_ALGORITHM));
    }

    it('answers an ordinary token', async () => {
      const response = await graph.query(await signed({ purpose: 'COORDINATION' }), '{ me { id } }');
      expect(response.status).toBe(200);
      expect(response.body.data!.me).toEqual({ id: 'coordinator-1' });
    });

    it.each([
      ['expires 100 years ahead', {}, { exp: now() + 100 * 365 * 24 * HOUR }],
      ['is issued a year ahead', {}, { iat: now() + 365 * 24 * HOUR, exp: now() + 365 * 24 * HOUR + HOUR }],
      ['gives an unknown purpose', { purpose: 'CURIOSITY' }, {}],
      ['gives a 5,000-character purpose', { purpose: 'P'.repeat(5000) }, {}],
    ])('refuses with 401 a token that %s, and logs no word of it', async (_what, claims, times) => {
      const response = await graph.query(await signed(claims, times), '{ me { id } }');
      expect(response.status).toBe(401);
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(response.body.errors?.[0]?.message).toMatch(/12 h|iat|purpose/);
      expect(JSON.stringify(response.body)).not.toMatch(/CURIOSITY|PPPP/);
      const gateway = graph.store('gateway');
      const logged = await gateway.selectFrom('audit_log').select(['purpose', 'reason']).execute();
      await gateway.destroy();
      expect(JSON.stringify(logged)).not.toMatch(/CURIOSITY|PPPP/);
    });
  });

  describe('consent bounds', () => {
    const MUTATION = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency validFrom validTo formReference } } }';
    const person = FIXTURE_PERSONS.lacksCare;
    const today = todayIso();
    const good = { personnummer: person, agencies: ['CARE'], validFrom: today, validTo: addDays(today, 365), formReference: 'BOUNDS-1' };
    const consentsAndRecords = async () => {
      const coordination = graph.store('coordination');
      const consents = await coordination.selectFrom('consent' as never).selectAll().where('personnummer' as never, '=', person as never).execute();
      const records = await coordination.selectFrom('audit_log').select(['seq', 'decision']).where('personnummer', '=', person).where('decision', 'in', ['RECORDED', 'REVOKED']).execute();
      await coordination.destroy();
      return { consents, records };
    };

    it.each([
      ['the year 0000 to 9999', { validFrom: '0000-01-01', validTo: '9999-12-31' }, 'input.validFrom'],
      ['a validFrom 31 days back', { validFrom: addDays(today, -31) }, 'input.validFrom'],
      ['a validFrom 31 days ahead', { validFrom: addDays(today, 31), validTo: addDays(today, 400) }, 'input.validFrom'],
      ['a validTo more than 3 years after validFrom', { validTo: addDays(today, 3 * 366 + 1) }, 'input.validTo'],
      ['a validTo of 9999-12-31', { validTo: '9999-12-31' }, 'input.validTo'],
      ['a validTo before validFrom', { validFrom: addDays(today, 10), validTo: addDays(today, 5) }, 'input.validTo'],
      ['30 February', { validTo: `${Number(today.slice(0, 4)) + 1}-02-30` }, 'input.validTo'],
      ['a month 13', { validFrom: `${today.slice(0, 4)}-13-01` }, 'input.validFrom'],
    ])('refuses %s with BAD_USER_INPUT naming the argument, and writes nothing', async (_what, change, argument) => {
      const before = await consentsAndRecords();
      const response = await graph.query(coordinator1, MUTATION, { i: { ...good, ...change } });
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', argument]]);
      expect(await consentsAndRecords()).toEqual(before);
    });

    it('records a consent within the bounds: from 30 days back, for 3 years', async () => {
      const validFrom = addDays(today, -30);
      const [y, m, d] = validFrom.split('-');
      const validTo = `${Number(y) + 3}-${m}-${d}`;
      const response = await graph.query(coordinator1, MUTATION, { i: { ...good, validFrom, validTo: validTo.endsWith('-02-29') ? addDays(validTo, -1) : validTo, formReference: 'BOUNDS-OK' } });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.recordConsent.consents).toContainEqual(expect.objectContaining({ agency: 'CARE', validFrom, formReference: 'BOUNDS-OK' }));
    });
  });

  describe('the audit trail', () => {
    it('shows a protected identity\'s read with the mark, name and address withheld, and the fields released without them', async () => {
      const person = FIXTURE_PERSONS.protectedIdentity;
      const read = await fetch(graph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator1}` },
        body: JSON.stringify({ query: 'query($p: String!) { person(personnummer: $p) { name address sex care { __typename } } }', variables: { p: person } }),
      });
      const body = await read.json() as { data: { person: Record<string, unknown> }; errors?: unknown[] };
      expect(body.data.person).toMatchObject({ name: null, address: null, care: { __typename: 'Care' } });
      expect(body.errors).toBeUndefined();
      const requestId = read.headers.get('x-request-id')!;

      const records = (await trailOf(person)).filter((r) => r.actor === 'coordinator-1' && r.requestId === requestId);
      const coordination = records.find((r) => r.agency === 'COORDINATION');
      expect(coordination).toMatchObject({ decision: 'RELEASED', protectedIdentity: true });
      expect(coordination!.withheldFields.map((f) => f.split('.').pop()).sort()).toEqual(['address', 'name']);
      expect(coordination!.fields.some((f) => /(^|\.)(name|address)$/.test(f))).toBe(false);
      expect(coordination!.fields.some((f) => f.endsWith('sex'))).toBe(true);
      // Every store that served the read marks it, and none claims to have released name or address.
      expect(records.find((r) => r.agency === 'CARE')).toMatchObject({ decision: 'RELEASED', protectedIdentity: true, withheldFields: [] });
      for (const record of records) expect(record.protectedIdentity, record.agency).toBe(true);
    });

    it('shows an ordinary read with nothing withheld and no protection mark', async () => {
      const person = FIXTURE_PERSONS.allConsent;
      expect((await graph.query(coordinator1, 'query($p: String!) { person(personnummer: $p) { name address } }', { p: person })).body.errors).toBeUndefined();
      const read = (await trailOf(person)).filter((r) => r.actor === 'coordinator-1' && r.agency === 'COORDINATION').at(-1)!;
      expect(read).toMatchObject({ decision: 'RELEASED', protectedIdentity: false, withheldFields: [] });
      expect(read.fields.map((f) => f.split('.').pop()).sort()).toEqual(['address', 'name']);
    });

    it('logs a refused audit trail read against the person, so it shows in that person\'s trail', async () => {
      const person = FIXTURE_PERSONS.lacksEmployment;
      const analyst = await graph.token('analyst', 'analyst-1');
      for (const [token, actor] of [[coordinator1, 'coordinator-1'], [analyst, 'analyst-1']] as const) {
        const refused = await fetch(graph.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: TRAIL, variables: { p: person.replace(/^(\d{2})(\d{6})(\d{4})$/, '$2-$3') } }),
        });
        const body = await refused.json() as { data?: { auditTrail: unknown } | null; errors: { extensions: { code: string } }[] };
        expect(body.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
        expect(body.data?.auditTrail ?? null).toBeNull();
        const requestId = refused.headers.get('x-request-id')!;
        const logged = (await trailOf(person)).filter((r) => r.requestId === requestId);
        expect(logged, actor).toEqual([expect.objectContaining({ actor, agency: 'COORDINATION', decision: 'REFUSED', reason: 'ROLE_NOT_ALLOWED', fields: ['auditTrail'] })]);
      }
      // An auditor refused too (a period that is not one) leaves the same trace.
      const badPeriod = await graph.query(auditor, 'query($p: String!) { auditTrail(personnummer: $p, from: "2026-13-01") { records { at } } }', { p: person });
      expect(badPeriod.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'from']]);
      expect((await trailOf(person)).filter((r) => r.actor === 'auditor-1' && r.decision === 'REFUSED')).toEqual([
        expect.objectContaining({ agency: 'COORDINATION', reason: 'INVALID_PERIOD', fields: ['auditTrail'] }),
      ]);
    });

    it('shows a caseload page\'s read of a protected identity\'s name as withheld, not released', async () => {
      const person = FIXTURE_PERSONS.protectedIdentity;
      let after: string | null = null;
      let requestId = '';
      for (let found = false; !found;) {
        const page: Response = await fetch(graph.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator1}` },
          body: JSON.stringify({ query: 'query($after: String) { me { caseload(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { personnummer name } } } }', variables: { after } }),
        });
        type Page = { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { personnummer: string }[] };
        const caseload: Page = (await page.json() as { data: { me: { caseload: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { personnummer: string }[] } } } }).data.me.caseload;
        found = caseload.nodes.some((n) => n.personnummer === person);
        expect(found || caseload.pageInfo.hasNextPage).toBe(true);
        after = caseload.pageInfo.endCursor;
        requestId = page.headers.get('x-request-id')!;
      }
      const read = (await trailOf(person)).find((r) => r.requestId === requestId && r.agency === 'COORDINATION');
      expect(read).toMatchObject({ decision: 'RELEASED', protectedIdentity: true, withheldFields: ['name'], fields: ['personnummer'] });
    });
  });
});
