import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * The embedded förbund's social services are three controllers, Göteborg (1480), Mölndal (1481)
 * and Partille (1402), each with its own store and audit chain behind the one subgraph. The
 * fixture who moved from Mölndal to Göteborg has ekonomiskt bistånd in both; the seeded consent
 * names Göteborg's social services only.
 */
const SOCIAL = `query($p: String!) { person(personnummer: $p) { socialServices {
  assistanceMonths { month amountSek municipality { code name } }
  releasedBy { code name }
  notReleased { controller { code name } reason }
} } }`;
const RECORD = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency controller { code } } } }';
const MOVED = FIXTURE_PERSONS.movedBetweenMunicipalities;

describe('several municipalities behind the social services, each its own controller', () => {
  let graph: TestGraph;
  let token: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 120, statisticsRelease: false });
    token = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  const monthsBy = (social: { assistanceMonths: { municipality: { code: string } }[] }) =>
    social.assistanceMonths.reduce<Record<string, number>>((n, m) => ({ ...n, [m.municipality.code]: (n[m.municipality.code] ?? 0) + 1 }), {});

  it('releases Göteborg\'s months under the consent that names it, and names Mölndal and Partille as not released, each in its own log', async () => {
    const response = await graph.query(token, SOCIAL, { p: MOVED });
    expect(response.body.errors).toBeUndefined();
    const social = response.body.data!.person.socialServices;
    expect(monthsBy(social)).toEqual({ 1480: 4 });
    expect(social.releasedBy).toEqual([{ code: '1480', name: 'Göteborg' }]);
    expect(social.notReleased).toEqual([
      { controller: { code: '1481', name: 'Mölndal' }, reason: 'NO_CONSENT' },
      { controller: { code: '1402', name: 'Partille' }, reason: 'NO_CONSENT' },
    ]);
    // Each municipality logged its own decision, in its own chain.
    for (const [store, decision] of [['social-services-1480', 'RELEASED'], ['social-services-1481', 'REFUSED'], ['social-services-1402', 'REFUSED']] as const) {
      const db = graph.store(store);
      try {
        const rows = await db.selectFrom('audit_log').select(['decision', 'reason']).where('personnummer', '=', MOVED).execute();
        expect(rows.map((r) => r.decision), store).toEqual([decision]);
      } finally {
        await db.destroy();
      }
    }
  });

  it('releases both municipalities\' months once a consent names Mölndal too', async () => {
    const today = todayIso();
    const recorded = await graph.query(token, RECORD, { i: {
      personnummer: MOVED, agencies: ['SOCIAL_SERVICES'], controllers: ['1481'], validFrom: today, validTo: addDays(today, 365), formReference: 'MOVED-MOLNDAL',
    } });
    expect(recorded.body.errors).toBeUndefined();
    const social = (await graph.query(token, SOCIAL, { p: MOVED })).body.data!.person.socialServices;
    expect(monthsBy(social)).toEqual({ 1480: 4, 1481: 4 });
    expect(social.notReleased).toEqual([{ controller: { code: '1402', name: 'Partille' }, reason: 'NO_CONSENT' }]);
    const months = social.assistanceMonths.map((m: { month: string }) => m.month);
    expect(months).toEqual([...months].sort().reverse());
  });

  it('anchors every municipality\'s chain at the gateway, and audit verify checks each', async () => {
    await graph.checkpointAuditChains();
    const verified = await graph.verifyAudit();
    expect(verified.status, verified.out).toBe(0);
    for (const code of ['1480', '1481', '1402']) expect(verified.out).toMatch(new RegExp(`social-services-${code}: \\d+ records, chain intact, anchored up to record \\d+`));
  });
});
