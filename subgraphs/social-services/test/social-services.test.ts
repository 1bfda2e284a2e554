import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { personEntities, serveSubgraph } from '@finsam/devkit/testing/subgraph-client';
import { buildSocialServices } from '../src/subgraph.ts';

const SOCIAL = personEntities(`socialServices {
  assistanceMonthsLast12
  assistanceMonths { month amountSek householdType reasonForNeed { code label group } }
  measures { id kind startDate endDate }
}`);

describe('social-services subgraph', () => {
  let subgraph: Awaited<ReturnType<typeof serveSubgraph>>;
  beforeAll(async () => { subgraph = await serveSubgraph(buildSocialServices); });
  afterAll(() => subgraph?.close());

  it('resolves ekonomiskt bistånd month by month with the reason for need from the code list', async () => {
    const { body } = await subgraph.query(SOCIAL, await subgraph.personRefs([FIXTURE_PERSONS.longAssistanceNoActivity]));
    expect(body.errors).toBeUndefined();
    const social = body.data._entities[0].socialServices;
    expect(social.assistanceMonths).toHaveLength(9);
    expect(social.assistanceMonthsLast12).toBe(9);
    expect(social.assistanceMonths[0]).toMatchObject({ householdType: 'SINGLE_WOMAN_NO_CHILDREN', reasonForNeed: { code: 'ARBETSHINDER_SOCIALA_SKAL', group: 'WORK_OBSTACLE' } });
    const months = social.assistanceMonths.map((m: { month: string }) => m.month);
    expect([...months].sort().reverse()).toEqual(months);
    expect(social.measures).toEqual([expect.objectContaining({ kind: 'HOUSING_SUPPORT', endDate: null })]);
  });

  it('loads any number of persons in two statements per municipality', async () => {
    const before = await subgraph.statements();
    const { body } = await subgraph.query(SOCIAL, await subgraph.personRefs(Object.values(FIXTURE_PERSONS)));
    expect(body.errors).toBeUndefined();
    expect(await subgraph.statements() - before).toBe(2 * 3);
  });

  it('releases each municipality under the consent that names it, and names every other member municipality with its reason', async () => {
    const moved = FIXTURE_PERSONS.movedBetweenMunicipalities;
    const query = personEntities(`socialServices {
      assistanceMonths { month municipality { code name } }
      releasedBy { code } notReleased { controller { code name } reason }
    }`);
    const consent = (controller: string) => ({ agency: 'SOCIAL_SERVICES' as const, validFrom: '2020-01-01', validTo: '2099-12-31', revokedAt: null, controller });

    const both = (await subgraph.query(query, await subgraph.personRefs([moved], [consent('1480'), consent('1481')]))).body;
    expect(both.errors).toBeUndefined();
    const all = both.data._entities[0].socialServices;
    expect(new Set(all.assistanceMonths.map((m: { municipality: { code: string } }) => m.municipality.code))).toEqual(new Set(['1480', '1481']));
    expect(all.assistanceMonths).toHaveLength(8);
    expect(all.notReleased).toEqual([{ controller: { code: '1402', name: 'Partille' }, reason: 'NO_CONSENT' }]);

    const one = (await subgraph.query(query, await subgraph.personRefs([moved], [consent('1480')]))).body;
    expect(one.errors).toBeUndefined();
    const goteborg = one.data._entities[0].socialServices;
    expect(goteborg.assistanceMonths).toHaveLength(4);
    expect(goteborg.assistanceMonths.every((m: { municipality: { code: string } }) => m.municipality.code === '1480')).toBe(true);
    expect(goteborg.releasedBy).toEqual([{ code: '1480' }]);
    expect(goteborg.notReleased).toEqual([
      { controller: { code: '1481', name: 'Mölndal' }, reason: 'NO_CONSENT' },
      { controller: { code: '1402', name: 'Partille' }, reason: 'NO_CONSENT' },
    ]);

    // A consent that names no member municipality releases nothing, and the refusal names each.
    const none = (await subgraph.query(query, await subgraph.personRefs([moved], [{ ...consent('1480'), controller: null }]))).body;
    expect(none.data._entities[0].socialServices).toBeNull();
    expect(none.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', controllers: '1480:NO_CONSENT,1481:NO_CONSENT,1402:NO_CONSENT' });
    expect(none.errors![0]!.message).toContain('Mölndal (1481)');
  });
});
