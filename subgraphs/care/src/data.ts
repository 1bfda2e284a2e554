import type { Kysely, Selectable } from 'kysely';
import type { CareProfession } from './generated/resolvers-types.ts';

/** The region's store: medical certificates, care contacts, rehabilitation coordinators. All SQL of this subgraph is here. */
export interface CareDb {
  medical_certificate: {
    id: string;
    personnummer: string;
    type: string;
    issued_on: string;
    basis_json: string;
    occupation_assessed_against: string;
    diagnosis_code: string;
    diagnosis_text: string;
    impairment: string;
    activity_limitation: string;
    treatment: string | null;
    work_capacity_steps_json: string;
    prognosis: string;
    suggested_measures: string | null;
    care_unit: string;
  };
  care_contact: { id: string; personnummer: string; kind: string; date: string; care_unit: string; profession: CareProfession | null };
  rehabilitation_coordinator: { personnummer: string; name: string; care_unit: string; assigned_on: string };
}

export type CertificateRow = Selectable<CareDb['medical_certificate']>;

/** What a certificate's `basis_json` holds: what the assessment rests on (an examination, a call, records) and when. */
export type CertificateBasis = { kind: 'EXAMINATION' | 'PHONE' | 'RECORDS'; date: string }[];
/** What a certificate's `work_capacity_steps_json` holds: the periods of reduced capacity, each by its reduction in percent. */
export type WorkCapacitySteps = { from: string; to: string; reduction: 25 | 50 | 75 | 100 }[];
export type ContactRow = Selectable<CareDb['care_contact']>;
export type RehabilitationCoordinatorRow = Selectable<CareDb['rehabilitation_coordinator']>;

type Db = Kysely<CareDb>;

// Newest first; the id breaks same-day ties so SQLite and PostgreSQL return the same order.

export function certificatesOfPersons(db: Db, personnummer: readonly string[]): Promise<CertificateRow[]> {
  return db.selectFrom('medical_certificate').selectAll().where('personnummer', 'in', personnummer).orderBy('issued_on', 'desc').orderBy('id').execute();
}

export function contactsOfPersons(db: Db, personnummer: readonly string[]): Promise<ContactRow[]> {
  return db.selectFrom('care_contact').selectAll().where('personnummer', 'in', personnummer).orderBy('date', 'desc').orderBy('id').execute();
}

export function rehabilitationCoordinatorsOfPersons(db: Db, personnummer: readonly string[]): Promise<RehabilitationCoordinatorRow[]> {
  return db.selectFrom('rehabilitation_coordinator').selectAll().where('personnummer', 'in', personnummer).execute();
}
