import { categoryCounts, cohortFigures, rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { covers, todayIso } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerEmployment, EMPLOYMENT_ANSWERS } from '@finsam/kit/signal-statistics';
import type { EmploymentContext } from '../context.ts';
import { programmeCodes } from '../data.ts';
import { currentRegistration } from './employment-service.ts';
import type { EmploymentCohort, Resolvers } from '../generated/resolvers-types.ts';

export const cohortResolvers = {
  Cohort: {
    employment: cohortFigures<EmploymentContext, EmploymentCohort>('EMPLOYMENT', async (members, ctx) => {
      const today = todayIso();
      const registrations = await loadEach(ctx.loaders.registrationsByPerson, members);
      const registered = members.filter((_, i) => currentRegistration(registrations[i]!, today) !== null);
      // Every programme is listed, 0 where nobody is: a programme listed only when someone is in it would tell.
      const programmes: Record<string, Set<string>> = Object.fromEntries((await programmeCodes(ctx.db)).map((p) => [p, new Set<string>()]));
      for (const rows of await loadEach(ctx.loaders.programmesByPerson, members)) {
        for (const p of rows) if (covers(p.start_date, p.end_date, today)) (programmes[p.programme] ??= new Set()).add(p.personnummer);
      }
      return {
        registeredNow: categoryCounts(ctx.recordKeys, members, { registered })[0]!.count,
        inProgrammeNow: categoryCounts(ctx.recordKeys, members, programmes),
      };
    }),
  },
} satisfies Resolvers;

/**
 * Arbetsförmedlingen's answers to the signal questions for each member (signal-statistics.ts):
 * active in the last year, active today, registered per month, sick in a programme per month.
 * No date, programme or registration leaves.
 */
export async function employmentSignalFacts(members: readonly string[], ctx: EmploymentContext): Promise<Answers<string>> {
  const today = todayIso();
  const whole = members.length >= WHOLE_TABLE_FROM;
  const [registrations, programmes] = await Promise.all([
    whole ? ctx.db.selectFrom('registration').select(['personnummer', 'registered_on', 'deregistered_on']).orderBy('registered_on', 'desc').orderBy('id').execute().then((rows) => rowsOfMembers(rows, members))
      : loadEach(ctx.loaders.registrationsByPerson, members),
    whole ? ctx.db.selectFrom('programme_participation').select(['personnummer', 'start_date', 'end_date', 'reported_sick_from', 'reported_sick_to']).orderBy('start_date', 'desc').orderBy('id').execute()
      .then((rows) => rowsOfMembers(rows, members))
      : loadEach(ctx.loaders.programmesByPerson, members),
  ]);
  const answers = Answers.empty(EMPLOYMENT_ANSWERS, members.length);
  members.forEach((_, i) => answerEmployment(answers, i, {
    registrations: registrations[i]!.map((r) => ({ registeredOn: r.registered_on, deregisteredOn: r.deregistered_on })),
    programmes: programmes[i]!.map((p) => ({ startDate: p.start_date, endDate: p.end_date, reportedSickFrom: p.reported_sick_from, reportedSickTo: p.reported_sick_to })),
  }, today));
  return answers;
}
