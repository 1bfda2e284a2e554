import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { care } from '@finsam/care';
import { coordination } from '@finsam/coordination';
import { controllerStoreName } from '@finsam/kit/controllers';
import { MIGRATION_TABLES } from '@finsam/kit/database';
import { createLogger } from '@finsam/kit/logger';
import { createProcessMetrics } from '@finsam/kit/metrics';
import { prepareStore, seedSettings, subgraphKitMigrations } from '@finsam/kit/subgraph';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { testPostgresDatabase } from '../../support/graph.ts';

/**
 * docs/agency-developers.md step 3: a package adds a migration to its own `src/migrations.ts`,
 * numbered after the last one it sees there, and stores seeded before get it at their next
 * start. Run on SQLite, and on PostgreSQL in the PostgreSQL run.
 */
const NEXT_MIGRATION = {
  '0003_care_contact_note': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('care_contact').addColumn('note', 'text').execute();
    },
  },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Care's data is in each region's store (docs/controllers.md): the store a package migration
 * reaches with data in it is the region's, `care-14` (Västra Götalandsregionen), opened as the
 * kit opens it for the care subgraph.
 */
const REGION = '14';
const CARE_STORE = controllerStoreName('care', REGION);

async function careStoreLocation() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-migrations-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const database = await testPostgresDatabase(CARE_STORE);
  if (database) cleanups.push(() => database.drop());
  const env: NodeJS.ProcessEnv = { SEED_PERSONS: '60', SEED: '3', ...(database ? { CARE_14_DATABASE_URL: database.url } : {}) };
  return { env, dataDir, logger: createLogger('care', { level: 'silent' }), metrics: createProcessMetrics('care'), controller: REGION, subgraph: 'care' };
}

/** The region's care store, prepared (migrated, seeded on first start) as the care subgraph prepares it. */
const prepareCareStore = (definition: typeof care, options: Awaited<ReturnType<typeof careStoreLocation>>) =>
  prepareStore({ ...definition, name: CARE_STORE }, options);

/**
 * The store as the code before the split left it, what `.data` and production databases hold:
 * the kit's and care's migrations in one sequence sorted by name, recorded in Kysely's default
 * table; then seeded and given a statistics release, as the first start and a release job did.
 */
async function seedAsBeforeTheSplit(options: Awaited<ReturnType<typeof careStoreLocation>>) {
  const url = options.env.CARE_14_DATABASE_URL;
  const db = new Kysely<any>({
    dialect: url ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
      : new SqliteDialect({ database: new SQLite(path.join(options.dataDir, `${CARE_STORE}.sqlite`)) }),
  });
  try {
    const migrations = { ...subgraphKitMigrations(url ? 'postgres' : 'sqlite'), ...care.migrations };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    if (error) throw error;
    // Seeded as the kit seeds a region's store: with what that region holds.
    const settings = { ...seedSettings(options.env)!, controller: options.controller };
    const seedCare = await care.seed();
    await db.transaction().execute(async (trx) => {
      await seedCare(trx as never, settings);
      await trx.insertInto('seed_run').values({ seed: settings.seed, persons: settings.persons, reference_date: settings.referenceDate, seeded_at: new Date().toISOString() }).execute();
      await trx.insertInto('agency_statistics_release').values({ period: '2025-01', year: '2025', made_at: '2025-02-15T02:00:00.000Z', as_of: '2025-02-15', rho: 1, rho_requested: 1, delta: 1e-10, epsilon: 10.6, table_count: 0, cell_count: 0, release: '{}' }).execute();
    });
    return { contents: await contents(db), history: await history(db, DEFAULT_MIGRATION_TABLE) };
  } finally {
    await db.destroy();
  }
}

const history = async (db: Kysely<any>, table: string) =>
  (await db.selectFrom(table).select(['name', 'timestamp']).orderBy('name').execute()) as { name: string; timestamp: string }[];

/** Rows a later start must keep: the seeded sector data, the seed's bookkeeping and a stored release. */
async function contents(db: Kysely<any>) {
  const count = async (table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
  return {
    contacts: await count('care_contact'),
    certificates: await count('medical_certificate'),
    seedRuns: await db.selectFrom('seed_run').selectAll().execute(),
    release: await db.selectFrom('agency_statistics_release').selectAll().execute(),
  };
}

describe('a package migration added to a store seeded before', () => {
  it('applies to a store made by the code before the split, whose history is split once and kept', async () => {
    const options = await careStoreLocation();
    const before = await seedAsBeforeTheSplit(options);
    expect(before.contents.contacts).toBeGreaterThan(0);
    const next = await prepareCareStore({ ...care, migrations: { ...care.migrations, ...NEXT_MIGRATION } }, options);
    try {
      expect(await contents(next.db)).toEqual(before.contents);
      const columns = (await next.db.introspection.getTables()).find((t) => t.name === 'care_contact')!.columns.map((c) => c.name);
      expect(columns).toContain('note');
      // Each row of the shared history went to its own sequence, with the time it ran; the old table is untouched.
      const kit = await history(next.db, MIGRATION_TABLES.kit);
      const own = await history(next.db, MIGRATION_TABLES.package);
      expect(kit.map((m) => m.name)).toEqual(Object.keys(subgraphKitMigrations('sqlite')).sort());
      expect(own.map((m) => m.name)).toEqual([...Object.keys(care.migrations), ...Object.keys(NEXT_MIGRATION)].sort());
      expect([...kit, ...own.filter((m) => m.name in care.migrations)].sort((a, b) => a.name.localeCompare(b.name))).toEqual(before.history);
      expect(await history(next.db, DEFAULT_MIGRATION_TABLE)).toEqual(before.history);
    } finally {
      await next.close();
    }
    // And the start after that finds nothing to do.
    const again = await prepareCareStore({ ...care, migrations: { ...care.migrations, ...NEXT_MIGRATION } }, options);
    try {
      expect(await contents(again.db)).toEqual(before.contents);
    } finally {
      await again.close();
    }
  });

  it('applies to a store this code seeded, and keeps the data', async () => {
    const options = await careStoreLocation();
    const seeded = await prepareCareStore(care, options);
    await seeded.db.insertInto('agency_statistics_release' as never).values({ period: '2025-01', year: '2025', made_at: '2025-02-15T02:00:00.000Z', as_of: '2025-02-15', rho: 1, rho_requested: 1, delta: 1e-10, epsilon: 10.6, table_count: 0, cell_count: 0, release: '{}' } as never).execute();
    const before = await contents(seeded.db);
    expect(before.contacts).toBeGreaterThan(0);
    await seeded.close();

    const next = await prepareCareStore({ ...care, migrations: { ...care.migrations, ...NEXT_MIGRATION } }, options);
    try {
      expect(await contents(next.db)).toEqual(before);
      const columns = (await next.db.introspection.getTables()).find((t) => t.name === 'care_contact')!.columns.map((c) => c.name);
      expect(columns).toContain('note');
    } finally {
      await next.close();
    }
  });
});

describe('coordination\'s consent names its controller (0011_consent_controller)', () => {
  it('fills the controller of every consent a store held: the home municipality for the social services, its region for care, none for the national agencies', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-migrations-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const database = await testPostgresDatabase('coordination');
    if (database) cleanups.push(() => database.drop());
    // Not seeded: the rows are the ones written below, as a store in use holds them.
    const env: NodeJS.ProcessEnv = { SEED: 'none', ...(database ? { COORDINATION_DATABASE_URL: database.url } : {}) };
    const options = { env, dataDir, logger: createLogger('coordination', { level: 'silent' }), metrics: createProcessMetrics('coordination') };
    const { '0011_consent_controller': added, ...others } = coordination.migrations;
    expect(added, 'the migration that adds consent.controller').toBeDefined();
    // The store as it was before 0011: migrations run in name order, so the later ones wait too.
    const earlier = Object.fromEntries(Object.entries(others).filter(([name]) => name < '0011'));

    const old = await prepareStore({ ...coordination, migrations: earlier }, options);
    const persons = [
      { personnummer: '198503123823', municipality: '1480' },
      { personnummer: '199006215704', municipality: '1481' },
      { personnummer: '197911022478', municipality: '1402' },
    ];
    const agencies = ['SICKNESS_INSURANCE', 'EMPLOYMENT', 'SOCIAL_SERVICES', 'CARE'];
    try {
      const db = old.db as unknown as Kysely<any>;
      await db.insertInto('forbund').values({ id: 'forbund-goteborg', name: 'Samordningsförbundet Göteborg' }).execute();
      await db.insertInto('municipality').values([['1480', 'Göteborg'], ['1481', 'Mölndal'], ['1402', 'Partille']]
        .map(([code, name]) => ({ code, name, county: 'Västra Götalands län', forbund_id: 'forbund-goteborg' }))).execute();
      await db.insertInto('person').values(persons.map((p, i) => ({
        personnummer: p.personnummer, id: `p_${String(i).padStart(22, 'A')}`, given_name: 'Test', family_name: 'Exempelsson', sex: 'FEMALE',
        birth_date: '1985-03-12', municipality_code: p.municipality, address: null, identity_protection: 'NONE', priority_groups: '[]',
      }))).execute();
      await db.insertInto('consent').values(persons.flatMap((p, i) => agencies.map((agency, j) => ({
        id: `SF-S-${i}${j}`, personnummer: p.personnummer, agency, valid_from: '2025-01-01', valid_to: '2027-12-31',
        revoked_at: j === 3 && i === 0 ? '2025-06-01T10:00:00.000Z' : null, form_reference: `FORM-${i}`, recorded_by: 'coordinator-1', recorded_at: '2025-01-01T09:00:00.000Z',
      })))).execute();
    } finally {
      await old.close();
    }

    const next = await prepareStore(coordination, options);
    try {
      const rows = await (next.db as unknown as Kysely<any>).selectFrom('consent').select(['personnummer', 'agency', 'controller', 'revoked_at']).orderBy('id').execute();
      expect(rows.map((r) => `${r.personnummer} ${r.agency} ${r.controller}`)).toEqual(persons.flatMap((p) => [
        `${p.personnummer} SICKNESS_INSURANCE null`, `${p.personnummer} EMPLOYMENT null`,
        `${p.personnummer} SOCIAL_SERVICES ${p.municipality}`, `${p.personnummer} CARE 14`,
      ]));
      // A withdrawn consent keeps its withdrawal, and names its controller too.
      expect(rows.filter((r) => r.revoked_at !== null).map((r) => [r.agency, r.controller])).toEqual([['CARE', '14']]);
    } finally {
      await next.close();
    }
  });
});
