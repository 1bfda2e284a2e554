import { categoryCounts, cohortFigures, rowsOfMembers, WHOLE_TABLE_FROM } from '@finsam/kit/cohort';
import { covers, todayIso } from '@finsam/kit/dates';
import { loadEach } from '@finsam/kit/loaders';
import { Answers, answerSicknessInsurance, SICKNESS_INSURANCE_ANSWERS } from '@finsam/kit/signal-statistics';
import type { SicknessInsuranceContext } from '../context.ts';
import { dayInRehabilitationChain, degreeOn } from './sickness-benefit-case.ts';
import type { SicknessInsuranceCohort, Resolvers } from '../generated/resolvers-types.ts';

export const cohortResolvers = {
  Cohort: {
    sicknessInsurance: cohortFigures<SicknessInsuranceContext, SicknessInsuranceCohort>('SICKNESS_INSURANCE', async (members, ctx) => {
      const today = todayIso();
      const cases = (await loadEach(ctx.loaders.casesByPerson, members)).flat()
        .filter((c) => c.status === 'GRANTED' && covers(c.start_date, c.end_date, today));
      const benefits: Record<string, Set<string>> = {};
      for (const c of cases) (benefits[c.benefit] ??= new Set()).add(c.personnummer);
      const sickLeave = cases.filter((c) => c.benefit === 'SJUKPENNING');
      const steps = await loadEach(ctx.loaders.degreeStepsByCase, sickLeave.map((c) => c.id));
      // A person counts once per degree, even with two cases paying at that degree.
      const degrees: Record<string, Set<string>> = { '25': new Set(), '50': new Set(), '75': new Set(), '100': new Set() };
      steps.forEach((list, i) => {
        const degree = degreeOn(list, today);
        if (degree !== null) (degrees[String(degree)] ??= new Set()).add(sickLeave[i]!.personnummer);
      });
      return {
        benefitsNow: categoryCounts(ctx.recordKeys, members, Object.fromEntries(['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING', 'REHABILITERINGSPENNING'].map((b) => [b, benefits[b] ?? []]))),
        sickLeaveByDegree: categoryCounts(ctx.recordKeys, members, degrees),
      };
    }),
  },
} satisfies Resolvers;

/**
 * Försäkringskassan's answers to the signal questions for each member (signal-statistics.ts),
 * from the benefit cases with the day of the rehabilitation chain. No date, amount, diagnosis
 * or case leaves: only yes/no, some of them per calendar month.
 */
export async function sicknessInsuranceSignalFacts(members: readonly string[], ctx: SicknessInsuranceContext): Promise<Answers<string>> {
  const today = todayIso();
  const lists = members.length >= WHOLE_TABLE_FROM
    ? rowsOfMembers(await ctx.db.selectFrom('benefit_case').select(['personnummer', 'benefit', 'status', 'start_date', 'end_date', 'decision_date', 'refusal_reason', 'reconciliation_meeting_date', 'rehabilitation_plan_date'])
      .orderBy('start_date', 'desc').orderBy('id').execute(), members)
    : await loadEach(ctx.loaders.casesByPerson, members);
  const answers = Answers.empty(SICKNESS_INSURANCE_ANSWERS, members.length);
  members.forEach((_, i) => answerSicknessInsurance(answers, i, {
    cases: lists[i]!.map((c) => ({
      benefit: c.benefit, status: c.status, startDate: c.start_date, endDate: c.end_date, decisionDate: c.decision_date, refusalReason: c.refusal_reason,
      reconciliationMeetingDate: c.reconciliation_meeting_date, rehabilitationPlanDate: c.rehabilitation_plan_date, dayInRehabilitationChain: dayInRehabilitationChain(c, today),
    })),
  }, today));
  return answers;
}
