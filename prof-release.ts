import fs from 'node:fs';
import { coordination } from '@finsam/coordination';
import { participationsForRelease, releaseDomains, type CoordinationDb } from '@finsam/coordination/data';
import { followUpWorkload, releaseRow, periodBounds } from '@finsam/coordination/statistics-release-job';
import { createLogger } from '@finsam/kit/logger';
import { createProcessMetrics } from '@finsam/kit/metrics';
import { protectTables, cryptoRandom } from '@finsam/kit/statistics-release';
import { prepareStore } from '@finsam/kit/subgraph';
import type { Kysely } from 'kysely';
const dir = '/tmp/prof/data'; fs.mkdirSync(dir, { recursive: true });
let t = performance.now();
const store = await prepareStore<CoordinationDb>(coordination, { env: { SEED: '1', SEED_PERSONS: '100000' }, dataDir: dir, logger: createLogger('c', { level: 'silent' }), metrics: createProcessMetrics('c') });
console.log('open/seed', Math.round(performance.now() - t)); 
const db = store.db as Kysely<CoordinationDb>;
const workload = followUpWorkload(await releaseDomains(db));
for (const period of ['2025-06', '2025']) {
  const { from, to } = periodBounds(period);
  t = performance.now();
  const read = await participationsForRelease(db, from, to);
  const t1 = performance.now();
  const rows = read.map((r) => releaseRow(r, from, to));
  const t2 = performance.now();
  const rel = protectTables(rows, workload, 1, cryptoRandom, { period });
  const t3 = performance.now();
  console.log(period, read.length, 'sql', Math.round(t1 - t), 'rows', Math.round(t2 - t1), 'protect', Math.round(t3 - t2), 'cells', rel.tables.reduce((n, x) => n + x.cells.length, 0));
}
await store.close();
