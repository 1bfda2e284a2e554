import type { Kysely, Selectable } from 'kysely';

/** Arbetsförmedlingen's store: registrations, programme participations, activity reports. All SQL of this subgraph is here. */
export interface EmploymentDb {
  registration: {
    id: string;
    personnummer: string;
    registered_on: string;
    job_seeker_category: string;
    has_plan: number;
    deregistered_on: string | null;
    deregistration_reason: string | null;
    office: string;
  };
  programme_participation: {
    id: string;
    personnummer: string;
    programme: string;
    start_date: string;
    end_date: string | null;
    payment: string;
    reported_sick_from: string | null;
    reported_sick_to: string | null;
  };
  activity_report: { personnummer: string; month: string; submitted_on: string | null };
}

export type RegistrationRow = Selectable<EmploymentDb['registration']>;
export type ProgrammeRow = Selectable<EmploymentDb['programme_participation']>;
export type ActivityReportRow = Selectable<EmploymentDb['activity_report']>;

type Db = Kysely<EmploymentDb>;

export function registrationsOfPersons(db: Db, personnummer: readonly string[]): Promise<RegistrationRow[]> {
  return db.selectFrom('registration').selectAll().where('personnummer', 'in', personnummer).orderBy('registered_on', 'desc').orderBy('id').execute();
}

export function programmesOfPersons(db: Db, personnummer: readonly string[]): Promise<ProgrammeRow[]> {
  return db.selectFrom('programme_participation').selectAll().where('personnummer', 'in', personnummer).orderBy('start_date', 'desc').orderBy('id').execute();
}

/** Reports from `fromMonth` (YYYY-MM) on: older ones no longer matter to a coordinator. */
export function activityReportsOfPersons(db: Db, personnummer: readonly string[], fromMonth: string): Promise<ActivityReportRow[]> {
  return db.selectFrom('activity_report').selectAll().where('personnummer', 'in', personnummer).where('month', '>=', fromMonth)
    .orderBy('month', 'desc').execute();
}
