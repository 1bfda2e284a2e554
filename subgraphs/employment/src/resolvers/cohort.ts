import { categoryCounts, cohortFigures, protectedCount } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import type { EmploymentContext } from '../context.ts';
import { currentRegistration } from './employment-service.ts';

export const cohortResolvers = {
  Cohort: {
    employment: cohortFigures<EmploymentContext, unknown>('EMPLOYMENT', 'employment', async (members, ctx) => {
      const today = todayIso();
      const registrations = await loadEach(ctx.loaders.registrationsByPerson, members);
      const registered = registrations.filter((rows) => currentRegistration(rows, today) !== null).length;
      const programmes: Record<string, Set<string>> = {};
      for (const rows of await loadEach(ctx.loaders.programmesByPerson, members)) {
        for (const p of rows) if (covers(p.start_date, p.end_date, today)) (programmes[p.programme] ??= new Set()).add(p.personnummer);
      }
      return {
        registeredNow: protectedCount(registered),
        inProgrammeNow: categoryCounts(Object.fromEntries(Object.entries(programmes).map(([programme, persons]) => [programme, persons.size]))),
      };
    }),
  },
};

/** What the signal rules read of Arbetsförmedlingen: registrations and programmes, with sickness in them. */
export async function employmentSignalFacts(members: readonly string[], ctx: EmploymentContext): Promise<Record<string, unknown>> {
  const [registrations, programmes] = await Promise.all([loadEach(ctx.loaders.registrationsByPerson, members), loadEach(ctx.loaders.programmesByPerson, members)]);
  return Object.fromEntries(members.map((personnummer, i) => [personnummer, {
    registrations: registrations[i]!.map((r) => ({ registeredOn: r.registered_on, deregisteredOn: r.deregistered_on })),
    programmes: programmes[i]!.map((p) => ({ startDate: p.start_date, endDate: p.end_date, reportedSickFrom: p.reported_sick_from, reportedSickTo: p.reported_sick_to })),
  }]));
}
