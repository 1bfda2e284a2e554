import { releasedCohortFigures, type AgencyStatisticsRelease } from '@finsam/kit/agency-statistics-release';
import { rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { covers, todayIso, type IsoDate } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerEmployment, EMPLOYMENT_ANSWERS } from '@finsam/kit/signal-statistics';
import type { EmploymentContext } from '../context.ts';
import type { ProgrammeRow, RegistrationRow } from '../data.ts';
import { currentRegistration } from './employment-service.ts';
import type { Programme, Resolvers } from '../generated/resolvers-types.ts';

/** The one category of `registeredNow`: registered as a job seeker (inskriven). */
export const REGISTERED = 'REGISTERED';

/**
 * Every programme code, the schema's `Programme`, in its order: the release lists them all, 0
 * where nobody is (a code listed only when someone is in it would tell), and its domain does not
 * depend on who the register holds. The type below fails to compile if the schema gains a code
 * this list lacks.
 */
export const PROGRAMMES = [
  'FORBEREDANDE_INSATSER', 'ARBETSTRANING', 'JOBB_OCH_UTVECKLINGSGARANTIN', 'JOBBGARANTIN_FOR_UNGDOMAR', 'RUSTA_OCH_MATCHA', 'ARBETSMARKNADSUTBILDNING',
  'INTRODUKTIONSJOBB', 'NYSTARTSJOBB', 'LONEBIDRAG', 'SKYDDAT_ARBETE', 'SIUS',
] as const satisfies readonly Programme[];
type NoneLeftOut<Left extends never> = Left;
export type EveryProgrammeListed = NoneLeftOut<Exclude<Programme, (typeof PROGRAMMES)[number]>>;

type RegistrationFacts = Pick<RegistrationRow, 'personnummer' | 'registered_on' | 'deregistered_on'>;
type ProgrammeFacts = Pick<ProgrammeRow, 'personnummer' | 'programme' | 'start_date' | 'end_date' | 'reported_sick_from' | 'reported_sick_to'>;

/**
 * Each member's registrations and programme participations, newest first: the statistics
 * release's categories and the signal answers read the same rows. A long list reads the tables
 * once rather than by key (3× faster at 100,000 persons).
 */
async function registersOfMembers(members: readonly string[], ctx: EmploymentContext): Promise<{ registrations: RegistrationFacts[][]; programmes: ProgrammeFacts[][] }> {
  const whole = members.length >= WHOLE_TABLE_FROM;
  const [registrations, programmes] = await Promise.all([
    whole ? ctx.db.selectFrom('registration').select(['personnummer', 'registered_on', 'deregistered_on']).orderBy('registered_on', 'desc').orderBy('id').execute()
      .then((rows) => rowsOfMembers(rows, members))
      : loadEach(ctx.loaders.registrationsByPerson, members),
    whole ? ctx.db.selectFrom('programme_participation').select(['personnummer', 'programme', 'start_date', 'end_date', 'reported_sick_from', 'reported_sick_to'])
      .orderBy('start_date', 'desc').orderBy('id').execute().then((rows) => rowsOfMembers(rows, members))
      : loadEach(ctx.loaders.programmesByPerson, members),
  ]);
  return { registrations, programmes };
}

/** Each member's categories on `asOf`: registered as a job seeker that day, and the programmes the member is in that day. */
export async function employmentCategories(members: readonly string[], asOf: IsoDate, ctx: EmploymentContext) {
  const { registrations, programmes } = await registersOfMembers(members, ctx);
  return {
    registeredNow: registrations.map((rows) => (currentRegistration(rows, asOf) !== null ? [REGISTERED] : [])),
    inProgrammeNow: programmes.map((rows) => [...new Set(rows.filter((p) => covers(p.start_date, p.end_date, asOf)).map((p) => p.programme))]),
  };
}

/**
 * Arbetsförmedlingen's answers to the signal questions for each member (signal-statistics.ts):
 * active in the last year, active today, registered per month, sick in a programme per month.
 * No date, programme or registration leaves.
 */
export async function employmentSignalFacts(members: readonly string[], ctx: EmploymentContext): Promise<Answers<string>> {
  const today = todayIso();
  const { registrations, programmes } = await registersOfMembers(members, ctx);
  const answers = Answers.empty(EMPLOYMENT_ANSWERS, members.length);
  members.forEach((_, i) => answerEmployment(answers, i, {
    registrations: registrations[i]!.map((r) => ({ registeredOn: r.registered_on, deregisteredOn: r.deregistered_on })),
    programmes: programmes[i]!.map((p) => ({ startDate: p.start_date, endDate: p.end_date, reportedSickFrom: p.reported_sick_from, reportedSickTo: p.reported_sick_to })),
  }, today));
  return answers;
}

/**
 * Arbetsförmedlingen's statistics release (docs/statistics-release.md): registered as a job
 * seeker, and in which programme, over each period's cohort, as of the day coordination's job
 * hands it over.
 */
export const employmentStatisticsRelease: AgencyStatisticsRelease<EmploymentContext, 'registeredNow' | 'inProgrammeNow'> = {
  kinds: [
    // One category, so k = 1: a member is registered or not.
    { name: 'registeredNow', domain: [REGISTERED], valuesPerPerson: 1 },
    // k = 1: on the 2,000-person seed's reference day 16 % of the persons are
    // in a programme and nobody in two (nor 90, 200 or 365 days back): a job seeker takes part in one at a time.
    { name: 'inProgrammeNow', domain: PROGRAMMES, valuesPerPerson: 1 },
  ],
  categories: employmentCategories,
  signalFacts: employmentSignalFacts,
};

const releasedEmployment = releasedCohortFigures('EMPLOYMENT', employmentStatisticsRelease);

export const cohortResolvers = {
  Cohort: {
    async employment(cohort: { id?: unknown }, args: unknown, ctx: EmploymentContext) {
      const figures = await releasedEmployment(cohort, args, ctx);
      return { registeredNow: figures.registeredNow.find((c) => c.category === REGISTERED)!.count, inProgrammeNow: figures.inProgrammeNow };
    },
  },
} satisfies Resolvers;
