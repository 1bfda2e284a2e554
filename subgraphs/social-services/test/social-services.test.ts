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

  it('loads any number of persons in two statements', async () => {
    const before = await subgraph.statements();
    const { body } = await subgraph.query(SOCIAL, await subgraph.personRefs(Object.values(FIXTURE_PERSONS)));
    expect(body.errors).toBeUndefined();
    expect(await subgraph.statements() - before).toBe(2);
  });
});
