import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * A consent (samtycke) names the data controller (personuppgiftsansvarig) it is given to: for the
 * social services a member municipality of the coordinator's förbund, for care its region; the
 * national agencies are one authority each and name none. Coordination alone is needed: the
 * agencies read what it stores through the release basis (coordination.test.ts checks that).
 */
const CONSENT = 'id agency validFrom validTo revokedAt formReference controller { kind code name }';
const RECORD = `mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { ${CONSENT} } person { id consents { ${CONSENT} } } } }`;
const REVOKE = `mutation($p: String!, $a: Agency!, $c: String) { revokeConsent(personnummer: $p, agency: $a, controller: $c) { consent { ${CONSENT} } person { consents { ${CONSENT} } } } }`;

const MOLNDAL = { kind: 'MUNICIPALITY', code: '1481', name: 'Mölndal' };
const GOTEBORG = { kind: 'MUNICIPALITY', code: '1480', name: 'Göteborg' };
const VASTRA_GOTALAND = { kind: 'REGION', code: '14', name: 'Västra Götalandsregionen' };

type ConsentRow = { id: string; agency: string; controller: string | null; form_reference: string; revoked_at: string | null };

describe('a consent names its data controller (personuppgiftsansvarig)', () => {
  let graph: TestGraph;
  let token: string;
  const today = todayIso();
  const form = (personnummer: string, formReference: string, over: Record<string, unknown> = {}) =>
    ({ personnummer, validFrom: today, validTo: addDays(today, 365), formReference, ...over });

  /** The person's consent rows and their RECORDED / REVOKED audit records, straight from coordination's store. */
  async function stored(personnummer: string): Promise<{ consents: ConsentRow[]; changes: number }> {
    const db = graph.store('coordination');
    try {
      const consents = await db.selectFrom('consent' as never).select(['id', 'agency', 'controller', 'form_reference', 'revoked_at'] as never[])
        .where('personnummer' as never, '=', personnummer as never).orderBy('id' as never).execute() as unknown as ConsentRow[];
      const changes = await db.selectFrom('audit_log').select('seq').where('personnummer', '=', personnummer).where('decision', 'in', ['RECORDED', 'REVOKED']).execute();
      return { consents, changes: changes.length };
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    graph = await startGraph({ persons: 120, subgraphs: ['coordination'], statisticsRelease: false });
    token = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  it('records a social-services consent naming Mölndal, stores it and returns the controller by name', async () => {
    const person = FIXTURE_PERSONS.lacksSocialServices;
    const response = await graph.query(token, RECORD, { i: form(person, 'CTRL-MOLNDAL-1', { agencies: ['SOCIAL_SERVICES'], controllers: ['1481'] }) });
    expect(response.body.errors).toBeUndefined();
    const { consents, person: after } = response.body.data!.recordConsent;
    expect(consents).toEqual([expect.objectContaining({ agency: 'SOCIAL_SERVICES', controller: MOLNDAL, revokedAt: null })]);
    expect(after.consents).toContainEqual(expect.objectContaining({ formReference: 'CTRL-MOLNDAL-1', controller: MOLNDAL }));
    const rows = (await stored(person)).consents.filter((c) => c.form_reference === 'CTRL-MOLNDAL-1');
    expect(rows.map((r) => [r.agency, r.controller])).toEqual([['SOCIAL_SERVICES', '1481']]);
  });

  it('names the home municipality and its region when the form names no controller, and none for a national agency', async () => {
    const person = FIXTURE_PERSONS.lacksEmployment;
    const response = await graph.query(token, RECORD, { i: form(person, 'CTRL-HOME-1', { agencies: ['SOCIAL_SERVICES', 'CARE', 'EMPLOYMENT'] }) });
    expect(response.body.errors).toBeUndefined();
    const byAgency = Object.fromEntries(response.body.data!.recordConsent.consents.map((c: { agency: string; controller: unknown }) => [c.agency, c.controller]));
    expect(byAgency).toEqual({ SOCIAL_SERVICES: GOTEBORG, CARE: VASTRA_GOTALAND, EMPLOYMENT: null });
    const rows = (await stored(person)).consents.filter((c) => c.form_reference === 'CTRL-HOME-1');
    expect(rows.map((r) => [r.agency, r.controller]).sort()).toEqual([['CARE', '14'], ['EMPLOYMENT', null], ['SOCIAL_SERVICES', '1480']]);
    // The seeded consents name the same: the home municipality, its region, nothing for the national agencies.
    const seeded = (await stored(FIXTURE_PERSONS.allConsent)).consents;
    expect(Object.fromEntries(seeded.map((r) => [r.agency, r.controller]))).toEqual({ SICKNESS_INSURANCE: null, EMPLOYMENT: null, SOCIAL_SERVICES: '1480', CARE: '14' });
  });

  it('records one consent per agency and controller, and a form sent again records nothing twice', async () => {
    const person = FIXTURE_PERSONS.sickListedWithoutBenefit;
    const input = form(person, 'CTRL-TWO-1', { agencies: ['SOCIAL_SERVICES', 'CARE'], controllers: ['1480', '1481', '14', '1481'] });
    const first = await graph.query(token, RECORD, { i: input });
    expect(first.body.errors).toBeUndefined();
    const pairs = first.body.data!.recordConsent.consents.map((c: { agency: string; controller: { code: string } }) => `${c.agency} ${c.controller.code}`).sort();
    expect(pairs).toEqual(['CARE 14', 'SOCIAL_SERVICES 1480', 'SOCIAL_SERVICES 1481']);
    const before = await stored(person);
    const second = await graph.query(token, RECORD, { i: input });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.recordConsent.consents).toEqual(first.body.data!.recordConsent.consents);
    const after = await stored(person);
    expect(after.consents).toEqual(before.consents);
    // Audited as today: the repeat is recorded as an attempt that changed nothing.
    expect(after.changes).toBe(before.changes + 1);
  });

  it('refuses a controller outside the förbund, or of an agency the form does not name, with BAD_USER_INPUT naming controllers, and writes nothing', async () => {
    const person = FIXTURE_PERSONS.lacksCare;
    const before = await stored(person);
    const cases: { agencies: string[]; controllers: string[] }[] = [
      // Botkyrka: a municipality, but of another förbund.
      { agencies: ['SOCIAL_SERVICES'], controllers: ['0127'] },
      // Region Skåne: not the region of a member municipality.
      { agencies: ['CARE'], controllers: ['12'] },
      // Neither a kommunkod nor a länskod.
      { agencies: ['SOCIAL_SERVICES'], controllers: ['Mölndal'] },
      // A kommunkod without the social services, a länskod without care.
      { agencies: ['CARE'], controllers: ['1481'] },
      { agencies: ['SOCIAL_SERVICES', 'EMPLOYMENT'], controllers: ['1480', '14'] },
    ];
    for (const [i, c] of cases.entries()) {
      const response = await graph.query(token, RECORD, { i: form(person, `CTRL-BAD-${i}`, c) });
      expect(response.body.data?.recordConsent ?? null, JSON.stringify(c)).toBeNull();
      expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument]), JSON.stringify(c)).toEqual([['BAD_USER_INPUT', 'input.controllers']]);
      expect(response.body.errors![0]!.message, JSON.stringify(c)).toMatch(/^controllers /);
    }
    expect(await stored(person)).toEqual(before);
  });

  it('withdraws only the named controller\'s consent, and every one of the agency without a controller', async () => {
    const person = FIXTURE_PERSONS.longAssistanceNoActivity;
    const recorded = await graph.query(token, RECORD, { i: form(person, 'CTRL-REVOKE-1', { agencies: ['SOCIAL_SERVICES'], controllers: ['1480', '1481'] }) });
    expect(recorded.body.errors).toBeUndefined();

    const molndal = await graph.query(token, REVOKE, { p: person, a: 'SOCIAL_SERVICES', c: '1481' });
    expect(molndal.body.errors).toBeUndefined();
    expect(molndal.body.data!.revokeConsent.consent).toMatchObject({ agency: 'SOCIAL_SERVICES', controller: MOLNDAL, revokedAt: expect.any(String) });
    const inForce = (await stored(person)).consents.filter((c) => c.agency === 'SOCIAL_SERVICES' && c.revoked_at === null).map((c) => c.controller);
    expect(inForce.length).toBeGreaterThan(0);
    expect(new Set(inForce)).toEqual(new Set(['1480']));

    // Mölndal's is withdrawn already: nothing in force to withdraw, as for an agency.
    const again = await graph.query(token, REVOKE, { p: person, a: 'SOCIAL_SERVICES', c: '1481' });
    expect(again.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'NOTHING_IN_FORCE']]);
    // A länskod for the social services names no controller of theirs.
    const wrongKind = await graph.query(token, REVOKE, { p: person, a: 'SOCIAL_SERVICES', c: '14' });
    expect(wrongKind.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'controller']]);

    const all = await graph.query(token, REVOKE, { p: person, a: 'SOCIAL_SERVICES' });
    expect(all.body.errors).toBeUndefined();
    expect((await stored(person)).consents.filter((c) => c.agency === 'SOCIAL_SERVICES' && c.revoked_at === null)).toEqual([]);
  });
});
