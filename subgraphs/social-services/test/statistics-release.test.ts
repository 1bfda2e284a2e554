import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { describeAgencyStatisticsRelease, inProcessSubgraph, releaseMemberList, releaseRequest } from '@finsam/devkit/testing/statistics-release';
import { addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import { Answers, SOCIAL_SERVICES_ANSWERS, type AnswersWire } from '@finsam/kit/signal-statistics';
import type { SocialServicesDb } from '../src/data.ts';
import { buildSocialServices } from '../src/subgraph.ts';

describeAgencyStatisticsRelease({
  agency: 'SOCIAL_SERVICES',
  build: buildSocialServices,
  selection: 'assistanceMonthsLast12 { category count { value suppressed } }',
  figures: (field) => ({ assistanceMonthsLast12: field.assistanceMonthsLast12 }),
  wipe: (db) => db.deleteFrom('assistance_month').execute(),
});

describe('SOCIAL_SERVICES: a statistics release counts only the municipalities a member\'s consent names', () => {
  let s: Awaited<ReturnType<typeof inProcessSubgraph<SocialServicesDb>>>;
  beforeAll(async () => { s = await inProcessSubgraph(buildSocialServices, 300); });
  afterAll(() => s?.close());

  it('answers the member who moved from Mölndal with Göteborg\'s months alone when only Göteborg is named, and with both when both are', async () => {
    const moved = FIXTURE_PERSONS.movedBetweenMunicipalities;
    const period = addMonths(monthOf(todayIso()), -2);
    const answersFor = async (controllers: string[]) => {
      const list = releaseMemberList(s.population, 'SOCIAL_SERVICES', period);
      // The mover, in the place of the list's first member: four months in Göteborg (1480), four before in Mölndal (1481).
      list.members[0] = { ...list.members[0]!, personnummer: moved, controllers };
      list.members.sort((a, b) => a.personnummer.localeCompare(b.personnummer));
      const listText = JSON.stringify(list);
      const answer = await s.release(await releaseRequest(s.dataDir, listText));
      expect(answer.status, answer.text).toBe(200);
      const wire = JSON.parse(answer.body.signalFacts) as AnswersWire;
      const answers = new Answers(SOCIAL_SERVICES_ANSWERS, Buffer.from(wire.answers, 'base64'));
      const at = list.members.findIndex((m) => m.personnummer === moved);
      return { released: answers.get(at, 'released'), sixOfTwelve: answers.get(at, 'assistance6Of12'), months: [1, 2, 3, 4, 5, 6, 7, 8].filter((m) => answers.get(at, 'assistance', m)) };
    };
    expect(await answersFor(['1480'])).toEqual({ released: true, sixOfTwelve: false, months: [1, 2, 3, 4] });
    expect(await answersFor(['1480', '1481'])).toEqual({ released: true, sixOfTwelve: true, months: [1, 2, 3, 4, 5, 6, 7, 8] });
    // A consent that names none of the municipalities behind the subgraph counts the member nowhere.
    expect(await answersFor(['1280'])).toEqual({ released: false, sixOfTwelve: false, months: [] });
  });
});
