import type { Kysely } from 'kysely';
import type { SubgraphRequest } from '@finsam/kit/subgraph';
import { addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import { listLoader } from '@finsam/kit/loaders';
import { activityReportsOfPersons, programmesOfPersons, registrationsOfPersons, type EmploymentDb } from './data.ts';

/** Activity reports are shown for the last six months. */
export const ACTIVITY_REPORT_MONTHS = 6;

export type EmploymentContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<EmploymentDb>, request: SubgraphRequest) {
  const fromMonth = addMonths(monthOf(todayIso()), -ACTIVITY_REPORT_MONTHS);
  return {
    ...request,
    /** For whole-table reads (signal statistics over a large cohort); other reads go through the loaders. */
    db,
    loaders: {
      registrationsByPerson: listLoader((pns: readonly string[]) => registrationsOfPersons(db, pns), (row) => row.personnummer),
      programmesByPerson: listLoader((pns: readonly string[]) => programmesOfPersons(db, pns), (row) => row.personnummer),
      activityReportsByPerson: listLoader((pns: readonly string[]) => activityReportsOfPersons(db, pns, fromMonth), (row) => row.personnummer),
    },
  };
}
