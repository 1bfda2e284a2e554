import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { todayIso } from '../../../shared/src/dates.ts';
import type { SocialServicesContext } from '../context.ts';
import { monthsInLastYear } from './social-services.ts';

const band = (months: number) => (months === 0 ? 'NONE' : months <= 5 ? '1_5' : months <= 9 ? '6_9' : '10_12');

export const cohortResolvers = {
  Cohort: {
    socialServices: cohortFigures<SocialServicesContext, unknown>('socialServices', async (members, ctx) => {
      const today = todayIso();
      const bands: Record<string, number> = { NONE: 0, '1_5': 0, '6_9': 0, '10_12': 0 };
      for (const rows of await ctx.loaders.assistanceByPerson.loadMany(members)) {
        if (Array.isArray(rows)) bands[band(monthsInLastYear(rows, today))]! += 1;
      }
      return { assistanceMonthsLast12: categoryCounts(bands) };
    }),
  },
};
