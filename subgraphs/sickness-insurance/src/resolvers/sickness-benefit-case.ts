import { covers, daysBetween, todayIso } from '@finsam/kit/dates';
import { icd10Chapter } from '@finsam/kit/icd10';
import type { SicknessInsuranceContext } from '../context.ts';
import type { BenefitCaseRow, DegreeStepRow } from '../data.ts';
import type { RehabilitationCheckpoint, Resolvers } from '../generated/resolvers-types.ts';

/** Statuses under which the person has been on sick leave, so the chain has a day. */
const CHAIN_STATUSES = new Set(['GRANTED', 'ENDED', 'REFUSED']);

/** Day of the rehabilitation chain today, or on the case's last day when it has ended. */
export function dayInRehabilitationChain(row: Pick<BenefitCaseRow, 'benefit' | 'status' | 'start_date' | 'end_date'>, today: string): number | null {
  if (row.benefit !== 'SJUKPENNING' || !CHAIN_STATUSES.has(row.status)) return null;
  const last = row.end_date !== null && row.end_date < today ? row.end_date : today;
  return daysBetween(row.start_date, last) + 1;
}

/** The benefit degree in force on a day, from a case's degree steps. */
export function degreeOn(steps: DegreeStepRow[], day: string): number | null {
  return steps.find((s) => covers(s.from_date, s.to_date, day))?.degree ?? null;
}

/** Rehabiliteringskedjan: what work capacity is assessed against on a given day. */
export function rehabilitationCheckpoint(day: number | null, employed: boolean): RehabilitationCheckpoint | null {
  if (day === null) return null;
  if (!employed || day > 365) return 'WHOLE_LABOUR_MARKET';
  if (day <= 90) return 'OWN_OR_OTHER_WORK_AT_EMPLOYER';
  if (day <= 180) return 'ANY_WORK_AT_EMPLOYER';
  return 'LABOUR_MARKET_UNLESS_RETURN_LIKELY';
}

export const sicknessBenefitCaseResolvers = {
  SicknessBenefitCase: {
    startDate: (row: BenefitCaseRow) => row.start_date,
    endDate: (row: BenefitCaseRow) => row.end_date,
    employed: (row: BenefitCaseRow) => row.employed === 1,
    degreeSteps: async (row: BenefitCaseRow, _args: unknown, ctx: SicknessInsuranceContext) =>
      (await ctx.loaders.degreeStepsByCase.load(row.id)).map((s) => ({ from: s.from_date, to: s.to_date, degree: s.degree })),
    async currentDegree(row: BenefitCaseRow, _args: unknown, ctx: SicknessInsuranceContext) {
      if (row.status !== 'GRANTED') return null;
      const today = todayIso();
      const steps = await ctx.loaders.degreeStepsByCase.load(row.id);
      return degreeOn(steps, today);
    },
    dayInRehabilitationChain: (row: BenefitCaseRow) => dayInRehabilitationChain(row, todayIso()),
    rehabilitationCheckpoint: (row: BenefitCaseRow) => rehabilitationCheckpoint(dayInRehabilitationChain(row, todayIso()), row.employed === 1),
    diagnosisCode: (row: BenefitCaseRow) => row.diagnosis_code,
    diagnosisGroup: (row: BenefitCaseRow) => (row.diagnosis_code === null ? null : icd10Chapter(row.diagnosis_code)),
    decisionDate: (row: BenefitCaseRow) => row.decision_date,
    refusalReason: (row: BenefitCaseRow) => row.refusal_reason,
    reconciliationMeetingDate: (row: BenefitCaseRow) => row.reconciliation_meeting_date,
    rehabilitationPlanDate: (row: BenefitCaseRow) => row.rehabilitation_plan_date,
    activityCompensationGround: (row: BenefitCaseRow) => row.activity_compensation_ground,
    caseOfficer: (row: BenefitCaseRow) => ({ name: row.case_officer, office: row.office }),
  },
} satisfies Resolvers;
