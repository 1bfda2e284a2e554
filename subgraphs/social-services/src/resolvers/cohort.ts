import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { todayIso } from '../../../shared/src/dates.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import type { SocialServicesContext } from '../context.ts';
import { reasonForNeed } from '../reasons-for-need.ts';
import { monthsInLastYear } from './social-services.ts';

const band = (months: number) => (months === 0 ? 'NONE' : months <= 5 ? '1_5' : months <= 9 ? '6_9' : '10_12');

export const cohortResolvers = {
  Cohort: {
    socialServices: cohortFigures<SocialServicesContext, unknown>('SOCIAL_SERVICES', 'socialServices', async (members, ctx) => {
      const today = todayIso();
      const bands: Record<string, number> = { NONE: 0, '1_5': 0, '6_9': 0, '10_12': 0 };
      for (const rows of await loadEach(ctx.loaders.assistanceByPerson, members)) bands[band(monthsInLastYear(rows, today))]! += 1;
      return { assistanceMonthsLast12: categoryCounts(bands) };
    }),
  },
};

/** What the signal rules read of the social services: months of ekonomiskt bistånd and the reason for need. */
export async function socialServicesSignalFacts(members: readonly string[], ctx: SocialServicesContext): Promise<Record<string, unknown>> {
  const lists = await loadEach(ctx.loaders.assistanceByPerson, members);
  return Object.fromEntries(members.map((personnummer, i) => [personnummer, {
    assistanceMonths: lists[i]!.map((m) => ({ month: m.month, reasonForNeed: { group: reasonForNeed(m.reason_for_need).group } })),
  }]));
}
