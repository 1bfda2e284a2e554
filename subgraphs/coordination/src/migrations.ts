import { sql, type Kysely, type RawBuilder } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Migrations } from '@finsam/kit/database';

/** Versioned schema of the samordningsförbund's store; never edit an applied migration, add one. */
export const migrations: Migrations = {
  '0001_coordination': {
    async up(db) {
      await db.schema.createTable('forbund')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('municipality')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('county', 'text', (c) => c.notNull())
        .addColumn('forbund_id', 'text', (c) => c.notNull().references('forbund.id'))
        .execute();
      await db.schema.createTable('coordinator')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('forbund_id', 'text', (c) => c.notNull().references('forbund.id'))
        .execute();
      await db.schema.createTable('person')
        .addColumn('personnummer', 'text', (c) => c.primaryKey())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text', (c) => c.notNull())
        .addColumn('municipality_code', 'text', (c) => c.notNull().references('municipality.code'))
        .addColumn('address', 'text')
        .addColumn('identity_protection', 'text', (c) => c.notNull())
        .addColumn('priority_groups', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('caseload_assignment')
        .addColumn('coordinator_id', 'text', (c) => c.notNull().references('coordinator.id'))
        .addColumn('personnummer', 'text', (c) => c.notNull().references('person.personnummer'))
        .addColumn('assigned_from', 'text', (c) => c.notNull())
        .addColumn('assigned_to', 'text')
        .addPrimaryKeyConstraint('caseload_assignment_pk', ['coordinator_id', 'personnummer', 'assigned_from'])
        .execute();
      await db.schema.createIndex('caseload_assignment_personnummer').on('caseload_assignment').column('personnummer').execute();
      await db.schema.createTable('intervention')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('forbund_id', 'text', (c) => c.notNull().references('forbund.id'))
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .execute();
      await db.schema.createTable('participation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull().references('person.personnummer'))
        .addColumn('intervention_id', 'text', (c) => c.notNull().references('intervention.id'))
        .addColumn('registered_in', 'text', (c) => c.notNull())
        .addColumn('registered_out', 'text')
        .addColumn('income_sources_before', 'text', (c) => c.notNull())
        .addColumn('occupation_before', 'text', (c) => c.notNull())
        .addColumn('occupation_share_before', 'integer', (c) => c.notNull())
        .addColumn('education_level', 'text', (c) => c.notNull())
        .addColumn('years_on_public_support', 'integer', (c) => c.notNull())
        .addColumn('end_reason', 'text')
        .addColumn('occupation_after', 'text')
        .addColumn('income_sources_after', 'text')
        .execute();
      await db.schema.createIndex('participation_personnummer').on('participation').column('personnummer').execute();
      await db.schema.createIndex('participation_intervention').on('participation').column('intervention_id').execute();
      await db.schema.createTable('consent')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull().references('person.personnummer'))
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_to', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('form_reference', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('consent_personnummer').on('consent').column('personnummer').execute();
    },
  },
  '0008_person_id': {
    async up(db) {
      // Person.id: what a client may keep in a cache key or a URL, where a personnummer must not
      // go. Random, so it says nothing about the person; stored, so it stays the same.
      await db.schema.alterTable('person').addColumn('id', 'text').execute();
      const persons = await db.selectFrom('person').select('personnummer').execute();
      for (const { personnummer } of persons) {
        await db.updateTable('person').set({ id: newPersonId() }).where('personnummer', '=', personnummer).execute();
      }
      await db.schema.createIndex('person_id').unique().on('person').column('id').execute();
    },
  },
  '0003_analyst_query_budget': {
    async up(db) {
      // Each analyst's distinct statistics definitions and when each was first asked (analyst-allowance.ts).
      await db.schema.createTable('analyst_query')
        .addColumn('analyst', 'text', (c) => c.notNull())
        .addColumn('definition_digest', 'text', (c) => c.notNull())
        .addColumn('first_asked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('analyst_query_pk', ['analyst', 'definition_digest'])
        .execute();
    },
  },
  '0009_statistics_release': {
    async up(db) {
      // The monthly statistics releases (statistics-release-job.ts, docs/statistics-release.md):
      // one row per month, never replaced, so a month's noise is drawn once. The privacy loss is
      // in columns (the per-year ledger sums `rho` by `year`); the tables and every parameter
      // are the release's JSON. `double precision` is SQLite's REAL and PostgreSQL's float8.
      await createReleaseTable(db, 'statistics_release');
      await db.schema.createIndex('statistics_release_year').on('statistics_release').column('year').execute();
    },
  },
  '0010_signal_release': {
    async up(db) {
      // The cohorts' signal counts (cohort-release-job.ts): combined from the four agencies'
      // answers and protected here, one row per period as statistics_release, with a ledger of its own.
      await createReleaseTable(db, 'signal_release');
    },
  },
  '0011_consent_controller': {
    async up(db) {
      // The data controller (personuppgiftsansvarig) a consent names, for an agency of many
      // (@finsam/kit/controllers): a kommunkod for the social services, a länskod for care; null
      // for Försäkringskassan and Arbetsförmedlingen. The consents recorded before named no
      // controller and were given where the person lives: their home municipality, its region.
      await db.schema.alterTable('consent').addColumn('controller', 'text').execute();
      // The region is the first two digits of the kommunkod (regionOfMunicipality); substr is both databases'.
      const ofPerson = (code: RawBuilder<string>) => db.selectFrom('person').select(code.as('code')).whereRef('person.personnummer', '=', 'consent.personnummer');
      await db.updateTable('consent').set({ controller: ofPerson(sql<string>`person.municipality_code`) }).where('agency', '=', 'SOCIAL_SERVICES').execute();
      await db.updateTable('consent').set({ controller: ofPerson(sql<string>`substr(person.municipality_code, 1, 2)`) }).where('agency', '=', 'CARE').execute();
    },
  },
  '0012_participation_registration': {
    async up(db) {
      // Participations a coordinator registers (registerParticipation): who registered them and the
      // key of the form, so that the same form sent twice records once; the key of the exit form
      // likewise. Seeded participations have none.
      await db.schema.alterTable('participation').addColumn('registered_by', 'text').execute();
      await db.schema.alterTable('participation').addColumn('submission_key', 'text').execute();
      await db.schema.alterTable('participation').addColumn('end_submission_key', 'text').execute();
      await db.schema.createIndex('participation_submission').unique().on('participation').columns(['registered_by', 'submission_key']).execute();
      // An anonymous participant (SUS: no consent to registration with personal data, or protected
      // identity): sex and start year, no person. The förbund and the registering coordinator say
      // whose it is, never who the participant is.
      await db.schema.createTable('anonymous_participation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('forbund_id', 'text', (c) => c.notNull().references('forbund.id'))
        .addColumn('intervention_id', 'text', (c) => c.notNull().references('intervention.id'))
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('start_year', 'integer', (c) => c.notNull())
        .addColumn('anonymous_reason', 'text', (c) => c.notNull())
        .addColumn('registered_in', 'text', (c) => c.notNull())
        .addColumn('registered_out', 'text')
        .addColumn('income_sources_before', 'text', (c) => c.notNull())
        .addColumn('occupation_before', 'text', (c) => c.notNull())
        .addColumn('occupation_share_before', 'integer', (c) => c.notNull())
        .addColumn('education_level', 'text', (c) => c.notNull())
        .addColumn('years_on_public_support', 'integer', (c) => c.notNull())
        .addColumn('end_reason', 'text')
        .addColumn('occupation_after', 'text')
        .addColumn('income_sources_after', 'text')
        .addColumn('registered_by', 'text', (c) => c.notNull())
        .addColumn('submission_key', 'text', (c) => c.notNull())
        .addColumn('end_submission_key', 'text')
        .execute();
      await db.schema.createIndex('anonymous_participation_submission').unique().on('anonymous_participation').columns(['registered_by', 'submission_key']).execute();
    },
  },
  '0013_signal_handling': {
    async up(db) {
      // A coordinator's handling of a signal (signal-handling.ts): the signal's code and a keyed
      // fingerprint of its facts, never the facts (they stay with the agencies); the free text
      // only here, never in a log. Rows are appended, the latest per person, code and facts applies.
      await db.schema.createTable('signal_handling')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull().references('person.personnummer'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('handled_by', 'text', (c) => c.notNull().references('coordinator.id'))
        .addColumn('handled_at', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('follow_up', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signal_handling_person').on('signal_handling').columns(['personnummer', 'code']).execute();
    },
  },
  '0014_obstacle': {
    async up(db) {
      // Obstacles in rules and steering a coordinator records on a person (obstacles.ts). The
      // agencies and the signals seen are JSON arrays; `dedupe_key` is unique so that a double
      // submit, even two at once, stores one row (recordObstacle).
      await db.schema.createTable('obstacle')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('personnummer', 'text', (c) => c.notNull().references('person.personnummer'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('agencies', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('signals_seen', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('obstacle_personnummer').on('obstacle').column('personnummer').execute();
      await db.schema.createIndex('obstacle_recorded_at').on('obstacle').column('recorded_at').execute();
      // The obstacle counts per period, protected once (obstacle-release.ts), with a ledger of their own.
      await createReleaseTable(db, 'obstacle_release');
    },
  },
  '0015_consent_withdrawal_feed': {
    async up(db) {
      // Coordination's withdrawal feed reads an agency's consents withdrawn in the last minutes
      // (withdrawalsSince, @finsam/kit/consent-withdrawals) on every push and pull: a range read.
      await db.schema.createIndex('consent_agency_revoked_at').on('consent').columns(['agency', 'revoked_at']).execute();
    },
  },
};

/** A table of releases, one row per period (`YYYY-MM` or `YYYY`), never replaced; `double precision` is SQLite's REAL and PostgreSQL's float8. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the store before its types hold
async function createReleaseTable(db: Kysely<any>, name: string): Promise<void> {
  await db.schema.createTable(name)
    .addColumn('period', 'text', (c) => c.primaryKey())
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('made_at', 'text', (c) => c.notNull())
    .addColumn('rho', 'double precision', (c) => c.notNull())
    .addColumn('rho_requested', 'double precision', (c) => c.notNull())
    .addColumn('delta', 'double precision', (c) => c.notNull())
    .addColumn('epsilon', 'double precision', (c) => c.notNull())
    .addColumn('table_count', 'integer', (c) => c.notNull())
    .addColumn('release', 'text', (c) => c.notNull())
    .execute();
}

/** A new Person.id: `p_` and 128 random bits, base64url. */
export function newPersonId(): string {
  return `p_${randomBytes(16).toString('base64url')}`;
}

/** The shape of a Person.id, checked before any statement. */
export const PERSON_ID = /^p_[A-Za-z0-9_-]{22}$/;
