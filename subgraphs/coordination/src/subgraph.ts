import { fileURLToPath } from 'node:url';
import { AGENCY_TABLE, type Agency } from '@finsam/kit/agencies';
import { dataDir, envPrefix } from '@finsam/kit/config';
import { sendJson } from '@finsam/kit/http';
import { loadOrCreateCoordinationKey } from '@finsam/kit/release-basis';
import { recipientKeys } from '@finsam/kit/signing-key';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { AnalystAllowance, allowanceSettings } from './analyst-allowance.ts';
import { createContext, type CoordinationContext } from './context.ts';
import { followUpSnapshot, type CoordinationDb } from './data.ts';
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
  // The analysts' snapshot of participations: seconds to take at 100,000 persons.
  warmUp: async (db) => void (await followUpSnapshot(db)),
} satisfies Omit<SubgraphDefinition<CoordinationDb, CoordinationContext>, 'createContext'>;

/**
 * Built with the options' env: the analysts' allowance (ANALYST_QUERY_BUDGET, …) is read from it
 * once. The key that signs release bases is coordination's own, in its DATA_DIR; agencies verify
 * with its public half, published at /.well-known/jwks.json (COORDINATION_JWKS_URL) and beside it.
 * Member lists are sealed to the agencies' published keys (<NAME>_JWKS_URL).
 */
export async function buildCoordination(options?: SubgraphOptions) {
  const allowance = new AnalystAllowance(allowanceSettings(options?.env ?? process.env));
  const env = options?.env ?? process.env;
  const directory = options?.dataDir ?? dataDir(env);
  const signingKey = await loadOrCreateCoordinationKey(directory);
  // Each agency's published key, to seal its cohort member lists to (<NAME>_JWKS_URL, else its key set file in DATA_DIR).
  const agencyKeys = recipientKeys(env, directory);
  const recipientKey = (agency: Agency) => {
    const { subgraph } = AGENCY_TABLE[agency];
    return agencyKeys(subgraph, env[`${envPrefix(subgraph)}_JWKS_URL`]);
  };
  return buildSubgraph({
    ...coordination,
    createContext: (db, request) => createContext(db, request, allowance, signingKey, recipientKey),
    routes: { '/.well-known/jwks.json': async (_request, response) => sendJson(response, 200, { keys: [signingKey.publicJwk] }) },
  }, options);
}
