import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createProcessMetrics } from '../src/metrics.ts';
import { prepareStore, seedSettings, type SeedSettings } from '../src/subgraph.ts';

/**
 * When a store is seeded with the synthetic population: only when asked, never into a store that
 * a deployment fills. A production process (NODE_ENV=production, as the Dockerfile sets) that is
 * not told SEED has its devkit installed all the same (npm links every workspace), so the default
 * there must be not to seed.
 */
describe('seedSettings', () => {
  it('seeds by default for development, with the documented defaults', () => {
    expect(seedSettings({ SEED_DATE: '2026-06-15' })).toEqual({ seed: 1, persons: 2000, referenceDate: '2026-06-15' });
  });

  it('does not seed a production process unless SEED says so', () => {
    expect(seedSettings({ NODE_ENV: 'production' })).toBeNull();
    expect(seedSettings({ NODE_ENV: 'production', SEED: '' })).toBeNull();
    expect(seedSettings({ NODE_ENV: 'production', SEED: '3', SEED_DATE: '2026-06-15' })).toEqual({ seed: 3, persons: 2000, referenceDate: '2026-06-15' });
  });

  it('reads SEED=none however it is written', () => {
    for (const none of ['none', 'NONE', ' none ', 'None']) expect(seedSettings({ SEED: none }), none).toBeNull();
  });
});

describe('a store started without seeding', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });

  /** A sector with one table, whose seed writes one synthetic row: what a later start must not add to a filled store. */
  async function start(env: NodeJS.ProcessEnv, dataDir: string) {
    const written: SeedSettings[] = [];
    const store = await prepareStore<{ record: { id: string } }>({
      name: 'seed-test',
      migrations: { '0001_record': { up: async (db) => { await db.schema.createTable('record').addColumn('id', 'text').execute(); } } },
      seed: async () => async (db, settings) => {
        written.push(settings);
        await db.insertInto('record').values({ id: 'synthetic' }).execute();
      },
    }, { env: { SEED_PERSONS: '10', SEED_DATE: '2026-06-15', ...env }, dataDir, logger: createLogger('seed-test', { level: 'silent' }), metrics: createProcessMetrics('seed-test') });
    return { store, written };
  }
  const rows = async (db: Kysely<{ record: { id: string } }>) => (await db.selectFrom('record').select('id').execute()).map((r) => r.id);

  it('is never seeded by a later start with seeding on: the agency\'s rows stay the only ones', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-seed-'));
    dirs.push(dataDir);
    const first = await start({ SEED: 'none' }, dataDir);
    await first.store.db.insertInto('record').values({ id: 'the agency\'s own' }).execute();
    expect(first.written).toEqual([]);
    await first.store.close();

    const later = await start({}, dataDir);
    expect(later.written).toEqual([]);
    expect(await rows(later.store.db)).toEqual(['the agency\'s own']);
    await later.store.close();
  });

  it('an empty store with seeding on is seeded once, in the first start only', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-seed-'));
    dirs.push(dataDir);
    const first = await start({}, dataDir);
    expect(first.written).toHaveLength(1);
    await first.store.close();
    const later = await start({}, dataDir);
    expect(later.written).toEqual([]);
    expect(await rows(later.store.db)).toEqual(['synthetic']);
    expect(Number((await sql<{ n: number }>`select count(*) as n from seed_run`.execute(later.store.db)).rows[0]!.n)).toBe(1);
    await later.store.close();
  });
});
