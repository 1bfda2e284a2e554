import { categoryCounts, cohortFigures, protectedCount } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import type { EmploymentContext } from '../context.ts';
import { currentRegistration } from './employment-service.ts';

export const cohortResolvers = {
  Cohort: {
    employment: cohortFigures<EmploymentContext, unknown>('employment', async (members, ctx) => {
      const today = todayIso();
      const registrations = await ctx.loaders.registrationsByPerson.loadMany(members);
      const registered = registrations.filter((rows) => Array.isArray(rows) && currentRegistration(rows, today) !== null).length;
      const programmes: Record<string, Set<string>> = {};
      for (const rows of await ctx.loaders.programmesByPerson.loadMany(members)) {
        if (!Array.isArray(rows)) continue;
        for (const p of rows) if (covers(p.start_date, p.end_date, today)) (programmes[p.programme] ??= new Set()).add(p.personnummer);
      }
      return {
        registeredNow: protectedCount(registered),
        inProgrammeNow: categoryCounts(Object.fromEntries(Object.entries(programmes).map(([programme, persons]) => [programme, persons.size]))),
      };
    }),
  },
};
