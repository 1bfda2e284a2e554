import type { Kysely, Selectable } from 'kysely';
import type { ActivityCompensationGround, RefusalReason } from './generated/resolvers-types.ts';

/** Försäkringskassan's store: benefit cases and their degree steps. All SQL of this subgraph is here. */
export interface SicknessInsuranceDb {
  benefit_case: {
    id: string;
    personnummer: string;
    benefit: string;
    status: string;
    start_date: string;
    end_date: string | null;
    employed: number;
    diagnosis_code: string | null;
    decision_date: string | null;
    refusal_reason: RefusalReason | null;
    reconciliation_meeting_date: string | null;
    rehabilitation_plan_date: string | null;
    activity_compensation_ground: ActivityCompensationGround | null;
    case_officer: string;
    office: string;
  };
  degree_step: {
    case_id: string;
    from_date: string;
    to_date: string | null;
    degree: number;
  };
}

export type BenefitCaseRow = Selectable<SicknessInsuranceDb['benefit_case']>;
export type DegreeStepRow = Selectable<SicknessInsuranceDb['degree_step']>;

export function casesOfPersons(db: Kysely<SicknessInsuranceDb>, personnummer: readonly string[]): Promise<BenefitCaseRow[]> {
  return db.selectFrom('benefit_case').selectAll().where('personnummer', 'in', personnummer)
    .orderBy('start_date', 'desc').orderBy('id').execute();
}

export function degreeStepsOfCases(db: Kysely<SicknessInsuranceDb>, caseIds: readonly string[]): Promise<DegreeStepRow[]> {
  return db.selectFrom('degree_step').selectAll().where('case_id', 'in', caseIds).orderBy('from_date').execute();
}
