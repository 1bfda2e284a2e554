import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '../../shared/src/subgraph.ts';
import { AnalystAllowance, allowanceSettings } from './analyst-allowance.ts';
import { createContext, type CoordinationContext } from './context.ts';
import { followUpSnapshot, type CoordinationDb } from './data.ts';
import { migrations } from './migrations.ts';
import { resolvers } from './resolvers/index.ts';
import { seedCoordination } from './seed.ts';

/** The samordningsförbund's subgraph: the graph's entry points, caseloads, interventions, consents, signals. */
export const coordination: SubgraphDefinition<CoordinationDb, CoordinationContext> = {
  name: 'coordination',
  agency: 'COORDINATION',
  resolvers: resolvers as GraphQLResolverMap<CoordinationContext>,
  migrations,
  seed: seedCoordination,
  createContext,
  // The analysts' snapshot of participations: seconds to take at 100,000 persons.
  warmUp: async (db) => void (await followUpSnapshot(db)),
};

/** Built with the options' env: the analysts' allowance (ANALYST_QUERY_BUDGET, …) is read from it once. */
export function buildCoordination(options?: SubgraphOptions) {
  const allowance = new AnalystAllowance(allowanceSettings(options?.env ?? process.env));
  return buildSubgraph({ ...coordination, createContext: (db, request) => createContext(db, request, allowance) }, options);
}
