import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';

/** The samordningsförbund's store. All SQL of the coordination subgraph is here. */
export interface CoordinationDb {
  forbund: { id: string; name: string };
  municipality: { code: string; name: string; county: string; forbund_id: string };
  coordinator: { id: string; name: string; forbund_id: string };
  person: {
    personnummer: string;
    given_name: string;
    family_name: string;
    sex: string;
    birth_date: string;
    municipality_code: string;
    address: string | null;
    identity_protection: string;
    /** JSON array of PriorityGroup names. */
    priority_groups: string;
  };
  caseload_assignment: { coordinator_id: string; personnummer: string; assigned_from: string; assigned_to: string | null };
  intervention: { id: string; name: string; kind: string; forbund_id: string; start_date: string; end_date: string | null };
  participation: {
    id: string;
    personnummer: string;
    intervention_id: string;
    registered_in: string;
    registered_out: string | null;
    /** JSON array of IncomeSource names. */
    income_sources_before: string;
    occupation_before: string;
    occupation_share_before: number;
    education_level: string;
    years_on_public_support: number;
    end_reason: string | null;
    occupation_after: string | null;
    income_sources_after: string | null;
  };
  consent: {
    id: string;
    personnummer: string;
    agency: string;
    valid_from: string;
    valid_to: string;
    revoked_at: string | null;
    form_reference: string;
    recorded_by: string;
    recorded_at: string;
  };
}

type Db = Kysely<CoordinationDb>;

/** A person row with its home municipality, the shape every person query returns. */
export type PersonRow = Selectable<CoordinationDb['person']> & { municipality_name: string; county: string };
export type CaseloadRow = PersonRow & { total: number };
export type CoordinatorRow = Selectable<CoordinationDb['coordinator']>;
export type ConsentRow = Selectable<CoordinationDb['consent']>;
export type ParticipationRow = Selectable<CoordinationDb['participation']> & {
  intervention_name: string;
  intervention_kind: string;
  intervention_forbund_id: string;
  intervention_start_date: string;
  intervention_end_date: string | null;
};

function personQuery(db: Db) {
  return db.selectFrom('person')
    .innerJoin('municipality', 'municipality.code', 'person.municipality_code')
    .selectAll('person')
    .select(['municipality.name as municipality_name', 'municipality.county']);
}

/** An assignment to a coordinator in force on `today`: caseloads change, and access follows them. */
function assignedOn(eb: ExpressionBuilder<CoordinationDb, 'caseload_assignment'>, coordinatorId: string, today: string) {
  return eb.and([
    eb('caseload_assignment.coordinator_id', '=', coordinatorId),
    eb('caseload_assignment.assigned_from', '<=', today),
    eb.or([eb('caseload_assignment.assigned_to', 'is', null), eb('caseload_assignment.assigned_to', '>=', today)]),
  ]);
}

function currentAssignments(db: Db, coordinatorId: string, today: string) {
  return db.selectFrom('caseload_assignment').where((eb) => assignedOn(eb, coordinatorId, today));
}

export function coordinatorsById(db: Db, ids: readonly string[]): Promise<CoordinatorRow[]> {
  return db.selectFrom('coordinator').selectAll().where('id', 'in', ids).execute();
}

/**
 * One page of a coordinator's caseload after a personnummer, with the caseload's total in the
 * same statement (a scalar subquery), so a page costs one statement.
 */
export function caseloadPage(db: Db, coordinatorId: string, today: string, after: string | null, limit: number): Promise<CaseloadRow[]> {
  let query = personQuery(db)
    .where('person.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer'))
    .select((eb) => currentAssignments(db, coordinatorId, today).select(eb.fn.countAll<number>().as('n')).as('total'));
  if (after !== null) query = query.where('person.personnummer', '>', after);
  return query.orderBy('person.personnummer').limit(limit).execute() as Promise<CaseloadRow[]>;
}

export async function caseloadSize(db: Db, coordinatorId: string, today: string): Promise<number> {
  const row = await currentAssignments(db, coordinatorId, today).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The person, only if assigned to the coordinator today: one statement for lookup and access check. */
export function personInCaseload(db: Db, coordinatorId: string, personnummer: string, today: string): Promise<PersonRow | undefined> {
  return personQuery(db)
    .where('person.personnummer', '=', personnummer)
    .where('person.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer'))
    .executeTakeFirst();
}

export function personsByPersonnummer(db: Db, personnummer: readonly string[]): Promise<PersonRow[]> {
  return personQuery(db).where('person.personnummer', 'in', personnummer).execute();
}

export function consentsOfPersons(db: Db, personnummer: readonly string[]): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('personnummer', 'in', personnummer)
    .orderBy('valid_from', 'desc').orderBy('agency').execute();
}

export function participationsOfPersons(db: Db, personnummer: readonly string[]): Promise<ParticipationRow[]> {
  return db.selectFrom('participation')
    .innerJoin('intervention', 'intervention.id', 'participation.intervention_id')
    .selectAll('participation')
    .select([
      'intervention.name as intervention_name', 'intervention.kind as intervention_kind',
      'intervention.forbund_id as intervention_forbund_id', 'intervention.start_date as intervention_start_date',
      'intervention.end_date as intervention_end_date',
    ])
    .where('participation.personnummer', 'in', personnummer)
    .orderBy('participation.registered_in', 'desc')
    .execute();
}

export function forbundById(db: Db, ids: readonly string[]) {
  return db.selectFrom('forbund').selectAll().where('id', 'in', ids).execute();
}

export function municipalitiesOfForbund(db: Db, forbundIds: readonly string[]) {
  return db.selectFrom('municipality').selectAll().where('forbund_id', 'in', forbundIds).orderBy('code').execute();
}

export function interventionsById(db: Db, ids: readonly string[]) {
  return db.selectFrom('intervention').selectAll().where('id', 'in', ids).execute();
}
