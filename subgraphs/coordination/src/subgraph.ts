import { fileURLToPath } from 'node:url';
import { dataDir } from '@finsam/kit/config';
import type { IsoDate } from '@finsam/kit/dates';
import { sendJson } from '@finsam/kit/http';
import { createLogger } from '@finsam/kit/logger';
import { WITHDRAWALS_PATH, withdrawalFeedRoute } from '@finsam/kit/consent-withdrawals';
import { withdrawalFeed } from './withdrawal-feed.ts';
import { agencyRecipientKeys, loadOrCreateCoordinationKey } from '@finsam/kit/release-basis';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { createContext, type CoordinationContext } from './context.ts';
import type { CoordinationDb } from './data.ts';
import { migrations } from './migrations.ts';
import { resolvers } from './resolvers/index.ts';

/**
 * The samordningsförbund's subgraph: the graph's entry points, caseloads, interventions, consents,
 * signals. Its store (for `npm run seed`); the request context needs the process's allowance and
 * signing key, which buildCoordination adds.
 */
export const coordination = {
  name: 'coordination',
  /** Its SDL, in this package (exported as @finsam/coordination/schema.graphql for those who compose). */
  schemaFile: fileURLToPath(new URL('../schema/coordination.graphql', import.meta.url)),
  agency: 'COORDINATION',
  resolvers,
  migrations,
  // Loaded only to seed an empty store: it imports the synthetic population from @finsam/devkit, which a deployment lacks.
  seed: async () => (await import('./seed.ts')).seedCoordination,
} satisfies Omit<SubgraphDefinition<CoordinationDb, CoordinationContext>, 'createContext'>;

/**
 * The key that signs release bases is coordination's own, in its DATA_DIR; agencies verify
 * with its public half, published at /.well-known/jwks.json (COORDINATION_JWKS_URL) and beside it.
 * Member lists are sealed to the agencies' published keys (<NAME>_JWKS_URL).
 */
export async function buildCoordination(options?: SubgraphOptions & { today?: () => IsoDate }) {
  const env = options?.env ?? process.env;
  const directory = options?.dataDir ?? dataDir(env);
  const signingKey = await loadOrCreateCoordinationKey(directory);
  const recipientKey = agencyRecipientKeys(env, directory);
  // Agencies learn of a withdrawal at once (pushed) and within a bound (pulled): @finsam/kit/consent-withdrawals.
  const logger = options?.logger ?? createLogger(coordination.name);
  const withdrawals = withdrawalFeed(signingKey, env, logger);
  return buildSubgraph({
    ...coordination,
    createContext: (db, request) => createContext(db, request, signingKey, recipientKey, options?.today, withdrawals),
    warmUp: async (db) => withdrawals.open(db),
    routes: {
      '/.well-known/jwks.json': async (_request, response) => sendJson(response, 200, { keys: [signingKey.publicJwk] }),
      [WITHDRAWALS_PATH]: withdrawalFeedRoute((agency) => withdrawals.feed(agency), logger),
    },
  }, { ...options, logger });
}
