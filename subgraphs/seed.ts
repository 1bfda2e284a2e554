/**
 * `npm run seed -- <name|all>`: creates, migrates and seeds a subgraph's database without
 * starting it: for production mode, where each subgraph's PostgreSQL comes from
 * `<NAME>_DATABASE_URL` (or `DATABASE_URL` for one subgraph). A database that already holds a
 * population is left as it is; with SEED=none the store is created and migrated only.
 */
import { SUBGRAPH_NAMES, dataDir, isSubgraphName } from '@finsam/kit/config';
import { createLogger } from '@finsam/kit/logger';
import { createProcessMetrics } from '@finsam/kit/metrics';
import { prepareSubgraphStores, SeedUnavailableError, type SubgraphDefinition, type SubgraphRequest } from '@finsam/kit/subgraph';

const target = process.argv[2] ?? '';
if (target !== 'all' && !isSubgraphName(target)) {
  console.error(`Usage: npm run seed -- <${SUBGRAPH_NAMES.join('|')}|all>`);
  process.exit(2);
}
for (const name of target === 'all' ? SUBGRAPH_NAMES : [target]) {
  const module = (await import(`@finsam/${name}`)) as Record<string, unknown>;
  const definition = Object.values(module).find((v) => typeof v === 'object' && v !== null && (v as { name?: string }).name === name) as SubgraphDefinition<unknown, SubgraphRequest>;
  const stores = await prepareSubgraphStores(definition, { env: process.env, dataDir: dataDir(), logger: createLogger(name), metrics: createProcessMetrics(name) }).catch((error: unknown) => {
    // The one line that says what to do (SEED=none: migrate only), not the import's stack.
    if (!(error instanceof SeedUnavailableError)) throw error;
    console.error(error.message);
    process.exit(1);
  });
  await stores.close();
  const controllers = stores.controllers.map((c) => c.code);
  console.log(`${name}: ready (${stores.store.dialect})${controllers.length > 0 ? `, with a store for each of ${controllers.join(', ')}` : ''}`);
}
