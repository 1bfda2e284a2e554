import { fileURLToPath } from 'node:url';
import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { createContext, type EmploymentContext } from './context.ts';
import type { EmploymentDb } from './data.ts';
import { migrations } from './migrations.ts';
import { employmentStatisticsRelease } from './resolvers/cohort.ts';
import { resolvers } from './resolvers/index.ts';

/** Arbetsförmedlingen's subgraph: registrations, programmes, activity reports. */
export const employment: SubgraphDefinition<EmploymentDb, EmploymentContext> = {
  name: AGENCY_TABLE.EMPLOYMENT.subgraph,
  /** Its SDL, in this package (exported as @finsam/employment/schema.graphql for those who compose). */
  schemaFile: fileURLToPath(new URL('../schema/employment.graphql', import.meta.url)),
  agency: 'EMPLOYMENT',
  resolvers,
  migrations,
  // Loaded only to seed an empty store: it imports the synthetic population from @finsam/devkit, which a deployment lacks.
  seed: async () => (await import('./seed.ts')).seedEmployment,
  createContext,
  // Its categories over each period's cohort, released once per period (docs/statistics-release.md).
  statisticsRelease: employmentStatisticsRelease,
};

export const buildEmployment = (options?: SubgraphOptions) => buildSubgraph(employment, options);
