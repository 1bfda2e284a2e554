import { fileURLToPath } from 'node:url';
import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { createContext, type CareContext } from './context.ts';
import type { CareDb } from './data.ts';
import { migrations } from './migrations.ts';
import { careStatisticsRelease } from './resolvers/cohort.ts';
import { resolvers } from './resolvers/index.ts';

/** The region's subgraph: medical certificates, care contacts, rehabilitation coordinators. */
export const care: SubgraphDefinition<CareDb, CareContext> = {
  name: AGENCY_TABLE.CARE.subgraph,
  /** Its SDL, in this package (exported as @finsam/care/schema.graphql for those who compose). */
  schemaFile: fileURLToPath(new URL('../schema/care.graphql', import.meta.url)),
  agency: 'CARE',
  resolvers,
  migrations,
  // Loaded only to seed an empty store: it imports the synthetic population from @finsam/devkit, which a deployment lacks.
  seed: async () => (await import('./seed.ts')).seedCare,
  createContext,
  // Its categories over each period's cohort, released once per period (docs/statistics-release.md).
  statisticsRelease: careStatisticsRelease,
};

export const buildCare = (options?: SubgraphOptions) => buildSubgraph(care, options);
