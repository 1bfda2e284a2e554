import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { cohortId } from '@finsam/kit/cohort';
import { todayIso } from '@finsam/kit/dates';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { writeTrustedList } from '../../../scripts/network-plan.ts';
import { startNetwork, type TestNetwork } from '../../support/network.ts';

/**
 * Two förbund on one machine (`npm run start:network`): Göteborg's (A: three municipalities)
 * and Umeå's (B: two), each with its own gateway, coordination, social services and care, sharing
 * Försäkringskassan's and Arbetsförmedlingen's subgraphs, which answer both by their list.
 */
const OVERVIEW = `query($p: String!) { person(personnummer: $p) {
  personnummer
  sicknessInsurance { cases { benefit } }
  employment { registrations { registeredOn } }
  socialServices { releasedBy { code } notReleased { controller { code } } }
  care { releasedBy { code } }
} }`;
const CASELOAD = '{ me { caseload(first: 100) { nodes { personnummer } } } }';

describe('two förbund sharing the national agencies', () => {
  let network: TestNetwork;
  const A = 'forbund-goteborg';
  const B = 'forbund-umea';
  // B's persons, as B's coordination seeded them: every one in B's first coordinator's caseload is B's.
  const bPersons = generatePopulation({ seed: 1, persons: 200, referenceDate: todayIso(), forbund: [B] }).persons;
  const today = todayIso();
  const bPerson = bPersons.find((p) => p.coordinatorId === `${B}-coordinator-1` && p.protectedIdentity === 'NONE'
    && p.consents.some((c) => c.agencies.length === 4 && c.revokedAt === null && c.validFrom <= today && today <= c.validTo))!;

  beforeAll(async () => { network = await startNetwork({ persons: 200 }); });
  afterAll(() => network?.close());

  const overview = async (forbund: string, personnummer: string) => {
    const f = network.forbund[forbund]!;
    const { body } = await f.query(await f.token(), OVERVIEW, { p: personnummer });
    return body;
  };
  const nationalRecords = async (name: 'sickness-insurance' | 'employment') => {
    const db = network.nationalStore(name);
    try {
      return await db.selectFrom('audit_log').select(['personnummer', 'decision', 'reason', 'forbund', 'actor']).orderBy('seq').execute();
    } finally {
      await db.destroy();
    }
  };

  it('serves each förbund its own persons with the national agencies\' data, and a coordinator of A sees nothing of B', async () => {
    const fromA = await overview(A, FIXTURE_PERSONS.allConsent);
    expect(fromA.errors).toBeUndefined();
    expect(fromA.data!.person.sicknessInsurance.cases.length).toBeGreaterThan(0);
    expect(fromA.data!.person.socialServices.releasedBy).toEqual([{ code: '1480' }]);

    const fromB = await overview(B, bPerson.personnummer);
    expect(fromB.errors).toBeUndefined();
    expect(fromB.data!.person.personnummer).toBe(bPerson.personnummer);
    // B's social services are Umeå's and Robertsfors', never A's municipalities.
    const bMunicipalities = [...(fromB.data!.person.socialServices?.releasedBy ?? []), ...(fromB.data!.person.socialServices?.notReleased.map((n: { controller: { code: string } }) => n.controller) ?? [])].map((c: { code: string }) => c.code);
    expect(new Set(bMunicipalities)).toEqual(new Set(['2480', '2409']));
    // And B's care is Region Västerbotten's, A's Västra Götalandsregionen's.
    expect(fromB.data!.person.care.releasedBy).toEqual([{ code: '24' }]);
    expect(fromA.data!.person.care.releasedBy).toEqual([{ code: '14' }]);

    // A's coordinator asks A's gateway for B's person: not in A's caseload, nothing released, no agency asked.
    const aboutB = await overview(A, bPerson.personnummer);
    expect(aboutB.data?.person ?? null).toBeNull();
    expect(aboutB.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const aCaseload = (await network.forbund[A]!.query(await network.forbund[A]!.token(), CASELOAD)).body.data!.me.caseload.nodes.map((n: { personnummer: string }) => n.personnummer);
    expect(aCaseload.some((p: string) => bPersons.some((b) => b.personnummer === p))).toBe(false);
    const records = await nationalRecords('sickness-insurance');
    expect(records.filter((r) => r.personnummer === bPerson.personnummer).every((r) => r.forbund === B)).toBe(true);
  });

  it('each national agency\'s log tells the two förbund apart', async () => {
    await overview(A, FIXTURE_PERSONS.allConsent);
    await overview(B, bPerson.personnummer);
    for (const name of ['sickness-insurance', 'employment'] as const) {
      const records = await nationalRecords(name);
      const forbundOf = (personnummer: string) => new Set(records.filter((r) => r.personnummer === personnummer).map((r) => r.forbund));
      expect(forbundOf(FIXTURE_PERSONS.allConsent), name).toEqual(new Set([A]));
      expect(forbundOf(bPerson.personnummer), name).toEqual(new Set([B]));
    }
  });

  it('cutting off B at Försäkringskassan refuses B\'s gateway with 401 on record and leaves A whole', async () => {
    network.cutOff([B]);
    try {
      const fromB = await overview(B, bPerson.personnummer);
      expect(fromB.data!.person.sicknessInsurance).toBeNull();
      expect(fromB.errors?.some((e) => e.extensions?.serviceName === 'sickness-insurance')).toBe(true);
      const refusals = (await nationalRecords('sickness-insurance')).filter((r) => r.decision === 'UNAUTHENTICATED' && r.reason === 'FORBUND_CUT_OFF');
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.every((r) => r.forbund === B)).toBe(true);

      const fromA = await overview(A, FIXTURE_PERSONS.allConsent);
      expect(fromA.errors).toBeUndefined();
      expect(fromA.data!.person.sicknessInsurance.cases.length).toBeGreaterThan(0);
      expect(fromA.data!.person.employment).not.toBeNull();
    } finally {
      network.cutOff([]);
    }
    // Taken back: B is answered again from its next request.
    expect((await overview(B, bPerson.personnummer)).data!.person.sicknessInsurance).not.toBeNull();
  });

  it('gives an analyst of B no national agency\'s figures: one release per period is kept, for the agency\'s own förbund only', async () => {
    // Försäkringskassan's subgraph asked as B's gateway asks it for an analyst's cohort (B has released no month of its own yet).
    const b = network.forbund[B]!;
    const token = await signGatewayToken(await loadOrCreateGatewayKey(b.dataDir), { actorId: 'analyst-1', role: 'analyst', purpose: 'STATISTICS' }, 'sickness-insurance', B);
    const response = await fetch(network.plan.parts.find((p) => p.owner === B && p.name === 'gateway')!.env.SICKNESS_INSURANCE_URL!, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'analyst-of-b' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Cohort { sicknessInsurance { benefitsNow { category count { value } } } } } }',
        variables: { r: [{ __typename: 'Cohort', id: cohortId({ from: '2025-01-01', to: '2025-06-30', filter: null }) }] },
      }),
    });
    const body = await response.json() as { data?: { _entities: ({ sicknessInsurance: unknown } | null)[] }; errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.data?._entities[0]?.sicknessInsurance ?? null).toBeNull();
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'STATISTICS_OTHER_FORBUND']]);
    const refused = (await nationalRecords('sickness-insurance')).filter((r) => r.reason === 'STATISTICS_OTHER_FORBUND');
    expect(refused.map((r) => [r.decision, r.forbund])).toEqual([['REFUSED', B]]);
  });

  it('refuses a förbund not on the list with 401 and a record, and the national chains verify', async () => {
    // B's gateway, with B taken off the national agencies' list altogether.
    network.cutOff([]);
    const plan = network.plan;
    writeTrustedList({ ...plan, forbund: plan.forbund.filter((f) => f.id !== B) });
    try {
      const fromB = await overview(B, bPerson.personnummer);
      expect(fromB.data!.person.employment).toBeNull();
      const db = network.nationalStore('employment');
      try {
        const refusals = await db.selectFrom('audit_log').select(['forbund', 'decision']).where('reason', '=', 'FORBUND_NOT_TRUSTED').execute();
        expect(refusals.length).toBeGreaterThan(0);
        expect(refusals.every((r) => r.forbund === B && r.decision === 'UNAUTHENTICATED')).toBe(true);
      } finally {
        await db.destroy();
      }
    } finally {
      network.cutOff([]);
    }
    const verified = await network.verifyNationalAudit();
    expect(verified.status, verified.out).toBe(0);
    expect(verified.out).toMatch(/sickness-insurance: \d+ records, chain intact/);
  });
});
