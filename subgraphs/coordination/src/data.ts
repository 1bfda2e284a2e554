import { randomUUID } from 'node:crypto';
import { sql, type ColumnType, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Agency, AnonymousReason, EducationLevel, EndReason, IdentityProtection, InterventionKind, ObstacleCode, Occupation, Sex } from './generated/resolvers-types.ts';
import type { ConsentWithdrawal } from '@finsam/kit/consent-withdrawals';
import { sharedRead } from '@finsam/kit/expiring-cache';
import { compactRelease, type CompactRelease, type StatisticsRelease } from '@finsam/kit/statistics-release';

/** A nullable text column a writer may leave out (the seed's and older writers' rows). */
type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;

/** The samordningsförbund's store. All SQL of the coordination subgraph is here. */
export interface CoordinationDb {
  forbund: { id: string; name: string };
  municipality: { code: string; name: string; county: string; forbund_id: string };
  coordinator: { id: string; name: string; forbund_id: string };
  person: {
    personnummer: string;
    /** Person.id: opaque and random (migrations.ts newPersonId). */
    id: string;
    given_name: string;
    family_name: string;
    sex: Sex;
    birth_date: string;
    municipality_code: string;
    address: string | null;
    identity_protection: IdentityProtection;
    /** JSON array of PriorityGroup names. */
    priority_groups: string;
  };
  caseload_assignment: { coordinator_id: string; personnummer: string; assigned_from: string; assigned_to: string | null };
  intervention: { id: string; name: string; kind: InterventionKind; forbund_id: string; start_date: string; end_date: string | null };
  participation: {
    id: string;
    personnummer: string;
    intervention_id: string;
    registered_in: string;
    registered_out: string | null;
    /** JSON array of IncomeSource names. */
    income_sources_before: string;
    occupation_before: Occupation;
    occupation_share_before: number;
    education_level: EducationLevel;
    years_on_public_support: number;
    end_reason: EndReason | null;
    occupation_after: Occupation | null;
    income_sources_after: string | null;
    /** The coordinator who registered it and the form's key (registerParticipation); null for seeded ones. */
    registered_by: OptionalText;
    submission_key: OptionalText;
    /** The key of the exit form (endParticipation). */
    end_submission_key: OptionalText;
  };
  /** Anonymous participants (SUS: sex and start year only), migration 0012: never a person. */
  anonymous_participation: {
    id: string;
    forbund_id: string;
    intervention_id: string;
    sex: Sex;
    start_year: number;
    anonymous_reason: AnonymousReason;
    registered_in: string;
    registered_out: string | null;
    income_sources_before: string;
    occupation_before: Occupation;
    occupation_share_before: number;
    education_level: EducationLevel;
    years_on_public_support: number;
    end_reason: EndReason | null;
    occupation_after: Occupation | null;
    income_sources_after: string | null;
    registered_by: string;
    submission_key: string;
    end_submission_key: string | null;
  };
  consent: {
    id: string;
    personnummer: string;
    agency: Agency;
    valid_from: string;
    valid_to: string;
    revoked_at: string | null;
    form_reference: string;
    recorded_by: string;
    recorded_at: string;
    /**
     * The data controller (personuppgiftsansvarig) the consent names, for an agency of many
     * (consent-controllers.ts): a kommunkod for the social services, a länskod for care; null for
     * the national agencies. One row per agency and controller of a signed form.
     */
    controller: string | null;
  };
  /** Coordinators' handlings of signals (signal-handling.ts), appended. */
  signal_handling: { id: string; personnummer: string; code: string; fingerprint: string; handled_by: string; handled_at: string; action: string; follow_up: string };
  /** The analysts' query budget ledger (analyst-allowance.ts): when each analyst first asked each definition. */
  analyst_query: { analyst: string; definition_digest: string; first_asked_at: string };
  /** The monthly statistics releases (statistics-release-job.ts): one per period, never replaced. */
  statistics_release: {
    /** `YYYY-MM`. */
    period: string;
    /** `YYYY`: the ledger sums ρ by it. */
    year: string;
    made_at: string;
    /** ρ spent (zCDP) and asked for; δ and ε of (ε, δ)-DP per release. */
    rho: number;
    rho_requested: number;
    delta: number;
    epsilon: number;
    table_count: number;
    /** The StatisticsRelease as JSON: tables, workload, domains and parameters. */
    release: string;
  };
  /** The cohorts' signal counts per period (cohort-release-job.ts), in statistics_release's columns. */
  signal_release: CoordinationDb['statistics_release'];
  /** Obstacles in rules and steering recorded on persons (obstacles.ts); never in a log line. */
  obstacle: {
    id: string;
    personnummer: string;
    code: ObstacleCode;
    /** JSON array of Agency names, sorted. */
    agencies: string;
    note: string | null;
    /** JSON array of SignalCode names, sorted: what the coordinator's page showed. */
    signals_seen: string;
    recorded_by: string;
    recorded_at: string;
    /** What makes a second submit of the same record the same row (obstacles.ts obstacleDedupeKey). */
    dedupe_key: string;
  };
  /** The obstacle counts per period (obstacle-release.ts), in statistics_release's columns. */
  obstacle_release: CoordinationDb['statistics_release'];
}

export type Db = Kysely<CoordinationDb>;

/** A person row with its home municipality, the shape every person query returns. */
export type PersonRow = Selectable<CoordinationDb['person']> & { municipality_name: string; county: string };
export type CaseloadRow = PersonRow & { total: number };
export type CoordinatorRow = Selectable<CoordinationDb['coordinator']>;
export type ForbundRow = Selectable<CoordinationDb['forbund']>;
export type ConsentRow = Selectable<CoordinationDb['consent']>;
/** A municipality as Municipality's resolvers see it: a row of the table, or a person's home municipality. */
export type MunicipalityParent = Pick<Selectable<CoordinationDb['municipality']>, 'code' | 'name' | 'county'>;
export type ParticipationRow = Selectable<CoordinationDb['participation']> & {
  intervention_name: string;
  intervention_kind: InterventionKind;
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
export function caseloadPage(db: Db, coordinatorId: string, today: string, afterId: string | null, limit: number): Promise<CaseloadRow[]> {
  let query = personQuery(db)
    .where('person.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer'))
    .select((eb) => currentAssignments(db, coordinatorId, today).select(eb.fn.countAll<number>().as('n')).as('total'));
  // The cursor is the last person's id; its personnummer is found in the same statement, and
  // only in this caseload: another coordinator's person's id would place their personnummer among these.
  if (afterId !== null) {
    query = query.where('person.personnummer', '>', db.selectFrom('person as cursor').select('cursor.personnummer').where('cursor.id', '=', afterId)
      .where('cursor.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer')));
  }
  return query.orderBy('person.personnummer').limit(limit).execute() as Promise<CaseloadRow[]>;
}

export async function caseloadSize(db: Db, coordinatorId: string, today: string): Promise<number> {
  const row = await currentAssignments(db, coordinatorId, today).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}


/** The persons among `personnummer` assigned to the coordinator today; the others are left out. */
export function personsInCaseload(db: Db, coordinatorId: string, personnummer: readonly string[], today: string): Promise<PersonRow[]> {
  return personQuery(db)
    .where('person.personnummer', 'in', personnummer)
    .where('person.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer'))
    .execute();
}

/** The personnummer behind a Person.id, whoever's caseload the person is in; null for an unknown id. */
export async function personnummerOfId(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('person').select('personnummer').where('id', '=', id).executeTakeFirst();
  return row?.personnummer ?? null;
}

export function consentsOfPersons(db: Db, personnummer: readonly string[]): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('personnummer', 'in', personnummer)
    .orderBy('valid_from', 'desc').orderBy('agency').orderBy('controller').execute();
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

/** The whole caseload of a coordinator today, by personnummer (a caseload is tens of persons: findPerson matches names here, alike on both databases). */
export function caseloadPersons(db: Db, coordinatorId: string, today: string): Promise<PersonRow[]> {
  return personQuery(db)
    .where('person.personnummer', 'in', currentAssignments(db, coordinatorId, today).select('caseload_assignment.personnummer'))
    .orderBy('person.personnummer').execute();
}

/** The person, if folkbokförd in a member municipality of the förbund; otherwise undefined (unknown alike). */
export function personOfForbund(db: Db, personnummer: string, forbundId: string): Promise<PersonRow | undefined> {
  return personQuery(db).where('person.personnummer', '=', personnummer).where('municipality.forbund_id', '=', forbundId).executeTakeFirst();
}

/** Assigns the person to the coordinator from today (a person may be in several caseloads). */
export async function addToCaseload(trx: Db, coordinatorId: string, personnummer: string, today: string): Promise<void> {
  await trx.insertInto('caseload_assignment').values({ coordinator_id: coordinatorId, personnummer, assigned_from: today, assigned_to: null })
    .onConflict((oc) => oc.columns(['coordinator_id', 'personnummer', 'assigned_from']).doNothing()).execute();
}

/** An anonymous participation as Participation's resolvers read a participation: no person (personnummer empty). */
export type AnonymousParticipationRow = Selectable<CoordinationDb['anonymous_participation']>;

function participationWithIntervention(db: Db) {
  return db.selectFrom('participation')
    .innerJoin('intervention', 'intervention.id', 'participation.intervention_id')
    .selectAll('participation')
    .select([
      'intervention.name as intervention_name', 'intervention.kind as intervention_kind',
      'intervention.forbund_id as intervention_forbund_id', 'intervention.start_date as intervention_start_date',
      'intervention.end_date as intervention_end_date',
    ]);
}

function anonymousWithIntervention(db: Db) {
  return db.selectFrom('anonymous_participation')
    .innerJoin('intervention', 'intervention.id', 'anonymous_participation.intervention_id')
    .selectAll('anonymous_participation')
    .select([
      'intervention.name as intervention_name', 'intervention.kind as intervention_kind',
      'intervention.forbund_id as intervention_forbund_id', 'intervention.start_date as intervention_start_date',
      'intervention.end_date as intervention_end_date',
    ]);
}

/** A stored participation, a person's or an anonymous one, in the shape Participation's resolvers read. */
export type StoredParticipation = { anonymous: false; row: ParticipationRow } | { anonymous: true; row: ParticipationRow; registeredBy: string };

function fromAnonymous(row: AnonymousParticipationRow & Omit<ParticipationRow, keyof CoordinationDb['participation']>): StoredParticipation {
  const { forbund_id: _f, sex: _s, start_year: _y, anonymous_reason: _r, registered_by, ...rest } = row;
  return { anonymous: true, registeredBy: registered_by, row: { ...rest, personnummer: '', registered_by } };
}

/** The participation with this id, a person's or an anonymous one. */
export async function participationById(db: Db, id: string): Promise<StoredParticipation | null> {
  const own = await participationWithIntervention(db).where('participation.id', '=', id).executeTakeFirst();
  if (own) return { anonymous: false, row: own as ParticipationRow };
  const anonymous = await anonymousWithIntervention(db).where('anonymous_participation.id', '=', id).executeTakeFirst();
  return anonymous ? fromAnonymous(anonymous as never) : null;
}

/** The participation a coordinator registered with a form's key, if any (a form sent again). */
export async function participationBySubmission(db: Db, registeredBy: string, key: string): Promise<StoredParticipation | null> {
  const own = await participationWithIntervention(db).where('participation.registered_by', '=', registeredBy).where('participation.submission_key', '=', key).executeTakeFirst();
  if (own) return { anonymous: false, row: own as ParticipationRow };
  const anonymous = await anonymousWithIntervention(db).where('anonymous_participation.registered_by', '=', registeredBy)
    .where('anonymous_participation.submission_key', '=', key).executeTakeFirst();
  return anonymous ? fromAnonymous(anonymous as never) : null;
}

/** Whether the person has a participation in the intervention not registered out. */
export async function hasOpenParticipation(db: Db, personnummer: string, interventionId: string): Promise<boolean> {
  const row = await db.selectFrom('participation').select('id').where('personnummer', '=', personnummer)
    .where('intervention_id', '=', interventionId).where('registered_out', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** The SUS in-fields of a registration, as stored. */
export type RegistrationInFields = Pick<CoordinationDb['participation'],
  'intervention_id' | 'registered_in' | 'income_sources_before' | 'occupation_before' | 'occupation_share_before' | 'education_level' | 'years_on_public_support'>;

/** Stores a person's participation; the caller's transaction holds the audit record too. */
export async function insertParticipation(trx: Db, row: RegistrationInFields & { id: string; personnummer: string; registered_by: string; submission_key: string }): Promise<void> {
  await trx.insertInto('participation').values({ ...row, registered_out: null, end_reason: null, occupation_after: null, income_sources_after: null }).execute();
}

/** Stores an anonymous participation. */
export async function insertAnonymousParticipation(trx: Db, row: RegistrationInFields & {
  id: string; forbund_id: string; sex: Sex; start_year: number; anonymous_reason: AnonymousReason; registered_by: string; submission_key: string;
}): Promise<void> {
  await trx.insertInto('anonymous_participation').values({ ...row, registered_out: null, end_reason: null, occupation_after: null, income_sources_after: null, end_submission_key: null }).execute();
}

/** The SUS out-fields of a registration out, as stored. */
export interface RegistrationOutFields {
  registered_out: string;
  end_reason: EndReason;
  occupation_after: Occupation;
  income_sources_after: string;
  end_submission_key: string;
}

/** Registers a participation out unless it is already out; true when this call did. */
export async function endStoredParticipation(trx: Db, id: string, anonymous: boolean, fields: RegistrationOutFields): Promise<boolean> {
  const result = anonymous
    ? await trx.updateTable('anonymous_participation').set(fields).where('id', '=', id).where('registered_out', 'is', null).executeTakeFirst()
    : await trx.updateTable('participation').set(fields).where('id', '=', id).where('registered_out', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A förbund's interventions, by id. */
export function interventionsOfForbund(db: Db, forbundIds: readonly string[]) {
  return db.selectFrom('intervention').selectAll().where('forbund_id', 'in', forbundIds).orderBy('id').execute();
}

export function forbundById(db: Db, ids: readonly string[]) {
  return db.selectFrom('forbund').selectAll().where('id', 'in', ids).execute();
}

export function municipalitiesOfForbund(db: Db, forbundIds: readonly string[]) {
  return db.selectFrom('municipality').selectAll().where('forbund_id', 'in', forbundIds).orderBy('code').execute();
}

export function municipalitiesByCode(db: Db, codes: readonly string[]) {
  return db.selectFrom('municipality').selectAll().where('code', 'in', codes).execute();
}

export function interventionsById(db: Db, ids: readonly string[]) {
  return db.selectFrom('intervention').selectAll().where('id', 'in', ids).execute();
}

/** One consent of a signed form: an agency, and the controller it names (null for a national agency). */
export interface ConsentGrant {
  agency: Agency;
  controller: string | null;
}

export interface NewConsent {
  personnummer: string;
  /** One per agency and controller named on the form. */
  grants: ConsentGrant[];
  validFrom: string;
  validTo: string;
  formReference: string;
  recordedBy: string;
}

const grantKey = (grant: ConsentGrant) => `${grant.agency} ${grant.controller ?? ''}`;

/** The rows of one signed form (same person, dates and reference), whatever agencies and controllers. */
function formRows(db: Db, consent: Omit<NewConsent, 'grants' | 'recordedBy'>) {
  return db.selectFrom('consent')
    .where('personnummer', '=', consent.personnummer).where('valid_from', '=', consent.validFrom)
    .where('valid_to', '=', consent.validTo).where('form_reference', '=', consent.formReference);
}

/**
 * Records one consent row per agency and controller, skipping those for which the same form (same
 * dates and reference) is already recorded, so that a retried request records the consent once.
 * Returns the grants newly recorded. Run it in a transaction (the caller's, which also holds
 * the audit record), so the check and the insert are one.
 */
export async function recordConsent(trx: Db, consent: NewConsent, now: string): Promise<ConsentGrant[]> {
  const existing = await formRows(trx, consent).select(['agency', 'controller']).execute();
  const recorded = new Set(existing.map(grantKey));
  const fresh = consent.grants.filter((grant) => !recorded.has(grantKey(grant)));
  if (fresh.length > 0) {
    await trx.insertInto('consent').values(fresh.map(({ agency, controller }) => ({
      id: `SF-S-${randomUUID()}`, personnummer: consent.personnummer, agency, controller, valid_from: consent.validFrom, valid_to: consent.validTo,
      revoked_at: null, form_reference: consent.formReference, recorded_by: consent.recordedBy, recorded_at: now,
    }))).execute();
  }
  return fresh;
}

/**
 * Withdraws the person's consents for the agency that are not already withdrawn: every one, or
 * with a controller only those naming it. Returns their ids.
 */
export async function revokeConsent(db: Db, personnummer: string, agency: Agency, controller: string | null, now: string): Promise<string[]> {
  let update = db.updateTable('consent').set({ revoked_at: now })
    .where('personnummer', '=', personnummer).where('agency', '=', agency).where('revoked_at', 'is', null);
  if (controller !== null) update = update.where('controller', '=', controller);
  const rows = await update.returning('id').execute();
  return rows.map((row) => row.id);
}

/**
 * The agency's consents withdrawn since `since` (ISO 8601), oldest first: what coordination's
 * withdrawal feed holds (consent-withdrawals.ts). revoked_at is set once and never cleared, so
 * the rows only grow; the index of 0015 keeps this a range read however many consents there are.
 */
export async function withdrawalsSince(db: Db, agency: Agency, since: string): Promise<ConsentWithdrawal[]> {
  const rows = await db.selectFrom('consent').select(['id', 'agency', 'controller', 'revoked_at'])
    .where('agency', '=', agency).where('revoked_at', '>=', since).orderBy('revoked_at').execute();
  return rows.map((row) => ({ consent: row.id, agency: row.agency, controller: row.controller, at: row.revoked_at! }));
}

/** The consent rows of one signed form, for the agencies and controllers named. */
export async function consentsOfForm(db: Db, consent: Omit<NewConsent, 'recordedBy'>): Promise<ConsentRow[]> {
  const wanted = new Set(consent.grants.map(grantKey));
  const rows = await formRows(db, consent).selectAll().where('agency', 'in', [...new Set(consent.grants.map((g) => g.agency))])
    .orderBy('agency').orderBy('controller').execute();
  return rows.filter((row) => wanted.has(grantKey(row)));
}

export function consentsById(db: Db, ids: readonly string[]): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('id', 'in', ids).orderBy('recorded_at', 'desc').execute();
}


/**
 * The consents in force on `today`, everyone's, each as `personnummer validFrom validTo` (the
 * form the hand-over sends): one statement for a cohort too large to look up member by member.
 */
export function consentsInForce(db: Db, today: string): Promise<{ agency: Agency; valid_to: string; record: string; controller: string | null }[]> {
  return db.selectFrom('consent')
    .select(['agency', 'valid_to', 'controller', sql<string>`personnummer || ' ' || valid_from || ' ' || valid_to`.as('record')])
    .where('revoked_at', 'is', null).where('valid_from', '<=', today).where('valid_to', '>=', today).execute();
}

export type ObstacleRow = Selectable<CoordinationDb['obstacle']>;

/** The obstacles recorded on these persons, newest first. */
export function obstaclesOfPersons(db: Db, personnummer: readonly string[]): Promise<ObstacleRow[]> {
  return db.selectFrom('obstacle').selectAll().where('personnummer', 'in', personnummer).orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute();
}

/**
 * Stores an obstacle unless one with the same dedupe key is stored (a double submit): true when
 * stored. Run it in the transaction that holds the audit record.
 */
export async function insertObstacle(trx: Db, row: ObstacleRow): Promise<boolean> {
  const result = await trx.insertInto('obstacle').values(row).onConflict((oc) => oc.column('dedupe_key').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export function obstacleByDedupeKey(db: Db, key: string): Promise<ObstacleRow | undefined> {
  return db.selectFrom('obstacle').selectAll().where('dedupe_key', '=', key).executeTakeFirst();
}

/** An obstacle as the release job reads it: recorded on a day of [from, to], of a person without protected identity. */
export interface ReleaseObstacleRow {
  id: string;
  personnummer: string;
  code: string;
  agencies: string;
  recorded_at: string;
  municipality_code: string;
}

/**
 * The obstacles recorded on a day of [from, to] (`recorded_at`'s date), of persons without
 * protected identity (in no statistics), oldest first.
 */
export function obstaclesForRelease(db: Db, from: string, to: string): Promise<ReleaseObstacleRow[]> {
  return db.selectFrom('obstacle')
    .innerJoin('person', 'person.personnummer', 'obstacle.personnummer')
    .select(['obstacle.id', 'obstacle.personnummer', 'obstacle.code', 'obstacle.agencies', 'obstacle.recorded_at', 'person.municipality_code'])
    .where('person.identity_protection', '=', 'NONE')
    // Timestamps are ISO (…T…Z): every instant of the last day sorts below its successor day.
    .where('obstacle.recorded_at', '>=', from).where('obstacle.recorded_at', '<', `${to}T99`)
    .orderBy('obstacle.recorded_at').orderBy('obstacle.id')
    .execute();
}

/**
 * A participation registered out as registered in error (felregistrerad) was never a participation:
 * it counts in no release made after it was so ended (one made before is never changed).
 */
function notRegisteredInError(eb: ExpressionBuilder<CoordinationDb, 'participation' | 'person'>) {
  return eb.or([eb('participation.end_reason', 'is', null), eb('participation.end_reason', '!=', 'REGISTERED_IN_ERROR')]);
}

/** A participation as the statistics release job reads it: registered in or out during a month, protected identities left out. */
export interface ReleaseParticipationRow {
  id: string;
  personnummer: string;
  intervention_id: string;
  registered_in: string;
  registered_out: string | null;
  occupation_before: string;
  occupation_after: string | null;
  income_sources_before: string;
  income_sources_after: string | null;
  municipality_code: string;
  sex: string;
  birth_date: string;
  priority_groups: string;
}

/**
 * The participations registered in, or registered out, on a day of [from, to], of persons without
 * protected identity (they count in no statistics, as in the follow-up), none registered in error,
 * oldest registration first.
 */
export function participationsForRelease(db: Db, from: string, to: string): Promise<ReleaseParticipationRow[]> {
  return db.selectFrom('participation')
    .innerJoin('person', 'person.personnummer', 'participation.personnummer')
    .select([
      'participation.id', 'participation.personnummer', 'participation.intervention_id', 'participation.registered_in', 'participation.registered_out',
      'participation.occupation_before', 'participation.occupation_after', 'participation.income_sources_before', 'participation.income_sources_after',
      'person.municipality_code', 'person.sex', 'person.birth_date', 'person.priority_groups',
    ])
    .where('person.identity_protection', '=', 'NONE')
    .where(notRegisteredInError)
    .where((eb) => eb.or([
      eb.and([eb('participation.registered_in', '>=', from), eb('participation.registered_in', '<=', to)]),
      eb.and([eb('participation.registered_out', '>=', from), eb('participation.registered_out', '<=', to)]),
    ]))
    .orderBy('participation.registered_in').orderBy('participation.id')
    .execute();
}

/** An anonymous participation as the release job reads it: sex and dates, no person. */
export type ReleaseAnonymousRow = Pick<Selectable<CoordinationDb['anonymous_participation']>,
  'id' | 'intervention_id' | 'sex' | 'registered_in' | 'registered_out' | 'occupation_before' | 'occupation_after' | 'income_sources_before' | 'income_sources_after'>;

/** The anonymous participations registered in, or out, on a day of [from, to], none registered in error, oldest first. */
export function anonymousParticipationsForRelease(db: Db, from: string, to: string): Promise<ReleaseAnonymousRow[]> {
  return db.selectFrom('anonymous_participation')
    .select(['id', 'intervention_id', 'sex', 'registered_in', 'registered_out', 'occupation_before', 'occupation_after', 'income_sources_before', 'income_sources_after'])
    .where((eb) => eb.or([eb('end_reason', 'is', null), eb('end_reason', '!=', 'REGISTERED_IN_ERROR')]))
    .where((eb) => eb.or([
      eb.and([eb('registered_in', '>=', from), eb('registered_in', '<=', to)]),
      eb.and([eb('registered_out', '>=', from), eb('registered_out', '<=', to)]),
    ]))
    .orderBy('registered_in').orderBy('id')
    .execute();
}

/**
 * The first day an unprotected person's or an anonymous participant's participation was registered
 * in; null when there is none. The releases start at its month, so a person with protected identity
 * registered by name (in no release) never dates the register.
 */
export async function firstRegistration(db: Db): Promise<string | null> {
  const row = await db.selectFrom('participation')
    .innerJoin('person', 'person.personnummer', 'participation.personnummer')
    .where('person.identity_protection', '=', 'NONE')
    .where(notRegisteredInError)
    .select((eb) => eb.fn.min<string>('participation.registered_in').as('first')).executeTakeFirst();
  const anonymous = await db.selectFrom('anonymous_participation').where((eb) => eb.or([eb('end_reason', 'is', null), eb('end_reason', '!=', 'REGISTERED_IN_ERROR')]))
    .select((eb) => eb.fn.min<string>('registered_in').as('first')).executeTakeFirst();
  const firsts = [row?.first, anonymous?.first].filter((d): d is string => typeof d === 'string');
  return firsts.length === 0 ? null : firsts.sort()[0]!;
}

/** The release's domains: every intervention and municipality in the register, whether or not anyone took part. */
export async function releaseDomains(db: Db): Promise<{ interventions: string[]; municipalities: string[] }> {
  const interventions = await db.selectFrom('intervention').select('id').orderBy('id').execute();
  const municipalities = await db.selectFrom('municipality').select('code').orderBy('code').execute();
  return { interventions: interventions.map((r) => r.id), municipalities: municipalities.map((r) => r.code) };
}

export type StoredReleaseRow = Selectable<CoordinationDb['statistics_release']>;

/**
 * Where releases are stored: the follow-up's tables (statistics_release), the signal counts of
 * the cohorts (signal_release) and the obstacle counts (obstacle_release), each one row per
 * period, never replaced, in the same columns.
 */
export type ReleaseTable = 'statistics_release' | 'signal_release' | 'obstacle_release';

/** The periods released, in order. */
export async function releasedPeriods(db: Db, table: ReleaseTable = 'statistics_release'): Promise<string[]> {
  return (await db.selectFrom(table).select('period').orderBy('period').execute()).map((r) => r.period);
}

/**
 * Stores a period's release unless the period is released already (by another run meanwhile):
 * true when stored. A release is never replaced: a second draw would spend the budget again.
 */
export async function storeRelease(db: Db, row: StoredReleaseRow, table: ReleaseTable = 'statistics_release'): Promise<boolean> {
  const result = await db.insertInto(table).values(row)
    .onConflict((oc) => oc.column('period').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The stored releases of the periods [from, to] (`YYYY-MM`), in order. */
export function storedReleases(db: Db, from = '0000-00', to = '9999-99', table: ReleaseTable = 'statistics_release'): Promise<StoredReleaseRow[]> {
  return db.selectFrom(table).selectAll().where('period', '>=', from).where('period', '<=', to).orderBy('period').execute();
}

/** The privacy ledger: ρ spent per calendar year, summed over the stored releases (zCDP composes by adding ρ). */
export async function rhoSpentByYear(db: Db, table: ReleaseTable = 'statistics_release'): Promise<{ year: string; releases: number; rho: number }[]> {
  const rows = await db.selectFrom(table)
    .select((eb) => ['year', eb.fn.countAll<number>().as('releases'), eb.fn.sum<number>('rho').as('rho')])
    .groupBy('year').orderBy('year').execute();
  return rows.map((r) => ({ year: r.year, releases: Number(r.releases), rho: Number(r.rho) }));
}

/** The public catalogues an analyst's report is labelled from: interventions, municipalities (with their förbund) and förbund. */
export async function followUpCatalogue(db: Db): Promise<{
  interventions: { id: string; name: string; start_date: string; end_date: string | null }[];
  municipalities: { code: string; name: string; forbund_id: string }[];
  forbund: { id: string; name: string }[];
}> {
  const [interventions, municipalities, forbund] = await Promise.all([
    db.selectFrom('intervention').select(['id', 'name', 'start_date', 'end_date']).orderBy('id').execute(),
    db.selectFrom('municipality').select(['code', 'name', 'forbund_id']).orderBy('code').execute(),
    db.selectFrom('forbund').select(['id', 'name']).orderBy('id').execute(),
  ]);
  return { interventions, municipalities, forbund };
}

/** How long the list of released months is reused before it is read again: a new release is served within this. */
export const RELEASES_MAX_AGE_MS = 30_000;

const catalogues = new WeakMap<Db, () => ReturnType<typeof followUpCatalogue>>();
const releaseReaders = new Map<ReleaseTable, WeakMap<Db, () => Promise<Map<string, CompactRelease>>>>();

/** The public catalogues, read at most once per RELEASES_MAX_AGE_MS. */
export function followUpCatalogueOf(db: Db): ReturnType<typeof followUpCatalogue> {
  let read = catalogues.get(db);
  if (!read) catalogues.set(db, (read = sharedRead(() => followUpCatalogue(db), RELEASES_MAX_AGE_MS)));
  return read();
}

/**
 * Every stored release of `table` by period (month or year), parsed and made compact once: a
 * release is never replaced, so only periods not seen before are read when the list is refreshed.
 */
export function releasesOf(db: Db, table: ReleaseTable = 'statistics_release'): Promise<Map<string, CompactRelease>> {
  const readers = releaseReaders.get(table) ?? releaseReaders.set(table, new WeakMap()).get(table)!;
  let read = readers.get(db);
  if (!read) {
    const parsed = new Map<string, CompactRelease>();
    read = sharedRead(async () => {
      const periods = await releasedPeriods(db, table);
      const missing = periods.filter((p) => !parsed.has(p));
      if (missing.length > 0) {
        for (const row of await storedReleases(db, missing[0], missing.at(-1), table)) parsed.set(row.period, compactRelease(JSON.parse(row.release) as StatisticsRelease));
      }
      return new Map([...parsed].sort(([a], [b]) => a.localeCompare(b)));
    }, RELEASES_MAX_AGE_MS);
    readers.set(db, read);
  }
  return read();
}

export type SignalHandlingRow = CoordinationDb['signal_handling'];

export function signalHandlingsOfPersons(db: Db, personnummer: readonly string[]): Promise<SignalHandlingRow[]> {
  return db.selectFrom('signal_handling').selectAll().where('personnummer', 'in', personnummer).orderBy('handled_at', 'desc').execute();
}

/**
 * Records a handling unless the same one (coordinator, signal facts, text and follow-up day) is
 * the latest on these facts already: a double submit records once. Returns the handling and
 * whether it is new. Run it in the transaction that holds its audit record.
 */
export async function recordSignalHandling(
  trx: Db, handling: Omit<SignalHandlingRow, 'id' | 'handled_at'>, now: string,
): Promise<{ row: SignalHandlingRow; fresh: boolean }> {
  const latest = await trx.selectFrom('signal_handling').selectAll()
    .where('personnummer', '=', handling.personnummer).where('code', '=', handling.code).where('fingerprint', '=', handling.fingerprint)
    .orderBy('handled_at', 'desc').limit(1).executeTakeFirst();
  if (latest && latest.handled_by === handling.handled_by && latest.action === handling.action && latest.follow_up === handling.follow_up) {
    return { row: latest, fresh: false };
  }
  const row = { ...handling, id: `SH-${randomUUID()}`, handled_at: now };
  await trx.insertInto('signal_handling').values(row).execute();
  return { row, fresh: true };
}
