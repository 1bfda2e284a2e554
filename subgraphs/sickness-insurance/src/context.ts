import type { Kysely } from 'kysely';
import type { SubgraphRequest } from '@finsam/kit/subgraph';
import { listLoader } from '@finsam/kit/loaders';
import { casesOfPersons, degreeStepsOfCases, type SicknessInsuranceDb } from './data.ts';

export type SicknessInsuranceContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<SicknessInsuranceDb>, request: SubgraphRequest) {
  return {
    ...request,
    /** For whole-table reads (signal statistics over a large cohort); other reads go through the loaders. */
    db,
    loaders: {
      casesByPerson: listLoader((pns: readonly string[]) => casesOfPersons(db, pns), (row) => row.personnummer),
      degreeStepsByCase: listLoader((ids: readonly string[]) => degreeStepsOfCases(db, ids), (row) => row.case_id),
    },
  };
}
