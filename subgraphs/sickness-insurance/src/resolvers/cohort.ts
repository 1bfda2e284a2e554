import { categoryCounts, cohortFigures } from '../../../shared/src/cohort.ts';
import { covers, todayIso } from '../../../shared/src/dates.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import type { SicknessInsuranceContext } from '../context.ts';
import { dayInRehabilitationChain, degreeOn } from './sickness-benefit-case.ts';

export const cohortResolvers = {
  Cohort: {
    sicknessInsurance: cohortFigures<SicknessInsuranceContext, unknown>('SICKNESS_INSURANCE', 'sicknessInsurance', async (members, ctx) => {
      const today = todayIso();
      const cases = (await loadEach(ctx.loaders.casesByPerson, members)).flat()
        .filter((c) => c.status === 'GRANTED' && covers(c.start_date, c.end_date, today));
      const benefits: Record<string, Set<string>> = {};
      for (const c of cases) (benefits[c.benefit] ??= new Set()).add(c.personnummer);
      const sickLeave = cases.filter((c) => c.benefit === 'SJUKPENNING');
      const steps = await loadEach(ctx.loaders.degreeStepsByCase, sickLeave.map((c) => c.id));
      const degrees: Record<string, number> = { '25': 0, '50': 0, '75': 0, '100': 0 };
      for (const list of steps) {
        const degree = degreeOn(list, today);
        if (degree !== null) degrees[String(degree)] = (degrees[String(degree)] ?? 0) + 1;
      }
      return {
        benefitsNow: categoryCounts(Object.fromEntries(['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING', 'REHABILITERINGSPENNING'].map((b) => [b, benefits[b]?.size ?? 0]))),
        sickLeaveByDegree: categoryCounts(degrees),
      };
    }),
  },
};

/** What the signal rules read of Försäkringskassan: the benefit cases, with the day of the rehabilitation chain. */
export async function sicknessInsuranceSignalFacts(members: readonly string[], ctx: SicknessInsuranceContext): Promise<Record<string, unknown>> {
  const today = todayIso();
  const lists = await loadEach(ctx.loaders.casesByPerson, members);
  return Object.fromEntries(members.map((personnummer, i) => [personnummer, {
    cases: lists[i]!.map((c) => ({
      benefit: c.benefit, status: c.status, startDate: c.start_date, endDate: c.end_date, decisionDate: c.decision_date, refusalReason: c.refusal_reason,
      reconciliationMeetingDate: c.reconciliation_meeting_date, rehabilitationPlanDate: c.rehabilitation_plan_date, dayInRehabilitationChain: dayInRehabilitationChain(c, today),
    })),
  }]));
}
