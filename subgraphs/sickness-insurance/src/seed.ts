import type { Kysely } from 'kysely';
import { insertInChunks } from '@finsam/kit/database';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { SeedSettings } from '@finsam/kit/subgraph';
import type { SicknessInsuranceDb } from './data.ts';

/** Writes Försäkringskassan's part of the synthetic population these settings make (the kit calls it once, in a transaction, for an empty store). */
export async function seedSicknessInsurance(db: Kysely<SicknessInsuranceDb>, settings: SeedSettings): Promise<void> {
  const population = generatePopulation(settings);
  const cases: SicknessInsuranceDb['benefit_case'][] = [];
  const steps: SicknessInsuranceDb['degree_step'][] = [];
  for (const person of population.persons) {
    for (const c of person.sicknessCases) {
      const id = `FK-${String(cases.length + 1).padStart(7, '0')}`;
      cases.push({
        id, personnummer: person.personnummer, benefit: c.benefit, status: c.status, start_date: c.startDate,
        end_date: c.endDate, employed: c.employed ? 1 : 0, diagnosis_code: c.diagnosisCode, decision_date: c.decisionDate,
        refusal_reason: c.refusalReason, reconciliation_meeting_date: c.reconciliationMeetingDate,
        rehabilitation_plan_date: c.rehabilitationPlanDate, activity_compensation_ground: c.activityCompensationGround,
        case_officer: c.caseOfficer, office: c.office,
      });
      for (const s of c.degreeSteps) steps.push({ case_id: id, from_date: s.from, to_date: s.to, degree: s.degree });
    }
  }
  await insertInChunks((rows) => db.insertInto('benefit_case').values(rows).execute(), cases);
  await insertInChunks((rows) => db.insertInto('degree_step').values(rows).execute(), steps);
}
