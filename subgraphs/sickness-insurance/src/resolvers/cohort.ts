import { releasedCohortFigures, type AgencyStatisticsRelease } from '@finsam/kit/agency-statistics-release';
import { rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { covers, todayIso, type IsoDate } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerSicknessInsurance, SICKNESS_INSURANCE_ANSWERS } from '@finsam/kit/signal-statistics';
import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow } from '../data.ts';
import { dayInRehabilitationChain, degreeOn } from './sickness-benefit-case.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** The benefits (förmåner) a member may be granted: every one is a category, 0 where nobody is. */
export const BENEFITS = ['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING', 'REHABILITERINGSPENNING'] as const;
/** The degrees (omfattning) sjukpenning is paid at, in percent. */
export const SICK_LEAVE_DEGREES = ['25', '50', '75', '100'] as const;

type CaseFacts = Pick<BenefitCaseRow, 'id' | 'personnummer' | 'benefit' | 'status' | 'start_date' | 'end_date' | 'decision_date' | 'refusal_reason'
  | 'reconciliation_meeting_date' | 'rehabilitation_plan_date'>;

/**
 * Each member's benefit cases, newest first: the statistics release's categories and the signal
 * answers read the same cases. A long list reads the table once rather than by key (3× faster
 * at 100,000 persons).
 */
async function casesOfMembers(members: readonly string[], ctx: SicknessInsuranceContext): Promise<CaseFacts[][]> {
  if (members.length < WHOLE_TABLE_FROM) return loadEach(ctx.loaders.casesByPerson, members);
  return rowsOfMembers(await ctx.db.selectFrom('benefit_case')
    .select(['id', 'personnummer', 'benefit', 'status', 'start_date', 'end_date', 'decision_date', 'refusal_reason', 'reconciliation_meeting_date', 'rehabilitation_plan_date'])
    .orderBy('start_date', 'desc').orderBy('id').execute(), members);
}

const paidOn = (c: CaseFacts, day: IsoDate) => c.status === 'GRANTED' && covers(c.start_date, c.end_date, day);

/**
 * Each member's categories on `asOf`: the benefits granted and paying that day, and the degrees
 * sjukpenning is paid at that day (a member counts once per degree, even with two cases paying
 * at it).
 */
export async function sicknessInsuranceCategories(members: readonly string[], asOf: IsoDate, ctx: SicknessInsuranceContext) {
  const lists = await casesOfMembers(members, ctx);
  const benefitsNow = lists.map((cases) => [...new Set(cases.filter((c) => paidOn(c, asOf)).map((c) => c.benefit))]);
  const sickLeave = lists.flatMap((cases, member) => cases.filter((c) => c.benefit === 'SJUKPENNING' && paidOn(c, asOf)).map((c) => ({ member, id: c.id })));
  const steps = await loadEach(ctx.loaders.degreeStepsByCase, sickLeave.map((c) => c.id));
  const degrees = members.map(() => new Set<string>());
  steps.forEach((list, i) => {
    const degree = degreeOn(list, asOf);
    if (degree !== null) degrees[sickLeave[i]!.member]!.add(String(degree));
  });
  return { benefitsNow, sickLeaveByDegree: degrees.map((set) => [...set]) };
}

/**
 * Försäkringskassan's answers to the signal questions for each member (signal-statistics.ts),
 * from the benefit cases with the day of the rehabilitation chain. No date, amount, diagnosis
 * or case leaves: only yes/no, some of them per calendar month.
 */
export async function sicknessInsuranceSignalFacts(members: readonly string[], ctx: SicknessInsuranceContext): Promise<Answers<string>> {
  const today = todayIso();
  const lists = await casesOfMembers(members, ctx);
  const answers = Answers.empty(SICKNESS_INSURANCE_ANSWERS, members.length);
  members.forEach((_, i) => answerSicknessInsurance(answers, i, {
    cases: lists[i]!.map((c) => ({
      benefit: c.benefit, status: c.status, startDate: c.start_date, endDate: c.end_date, decisionDate: c.decision_date, refusalReason: c.refusal_reason,
      reconciliationMeetingDate: c.reconciliation_meeting_date, rehabilitationPlanDate: c.rehabilitation_plan_date, dayInRehabilitationChain: dayInRehabilitationChain(c, today),
    })),
  }, today));
  return answers;
}

/**
 * Försäkringskassan's statistics release (docs/statistics-release.md): benefits now and sick
 * leave by degree over each period's cohort, as of the day coordination's job hands it over.
 */
export const sicknessInsuranceStatisticsRelease: AgencyStatisticsRelease<SicknessInsuranceContext, 'benefitsNow' | 'sickLeaveByDegree'> = {
  kinds: [
    // k = 2: on the 2,000-person seed on its reference day 27 % of the persons are paid a benefit
    // and 2.8 % (55) two at once, sjukpenning beside sjukersättning (25) or aktivitetsersättning
    // (20), or rehabiliteringspenning beside one (10); nobody three (90, 200 and 365 days back:
    // 1.5-1.9 % two, none three). k = 1 would count each of those 55 under its first benefit only;
    // k = 3 or 4 would add noise (σ √k) to every cell for persons the seed has none of.
    { name: 'benefitsNow', domain: BENEFITS, valuesPerPerson: 2 },
    // k = 1: 18 % of the seed's persons are on sjukpenning on its reference day, each at one
    // degree (one case pays at a time, at one degree a day), so each is in one cell.
    { name: 'sickLeaveByDegree', domain: SICK_LEAVE_DEGREES, valuesPerPerson: 1 },
  ],
  categories: sicknessInsuranceCategories,
  signalFacts: sicknessInsuranceSignalFacts,
};

export const cohortResolvers = {
  Cohort: {
    sicknessInsurance: releasedCohortFigures('SICKNESS_INSURANCE', sicknessInsuranceStatisticsRelease),
  },
} satisfies Resolvers;
