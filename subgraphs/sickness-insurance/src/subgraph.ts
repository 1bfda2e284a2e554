import { fileURLToPath } from 'node:url';
import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { createContext, type SicknessInsuranceContext } from './context.ts';
import type { SicknessInsuranceDb } from './data.ts';
import { migrations } from './migrations.ts';
import { sicknessInsuranceStatisticsRelease } from './resolvers/cohort.ts';
import { resolvers } from './resolvers/index.ts';

/** Försäkringskassan's subgraph: sjukpenning, aktivitetsersättning, sjukersättning, rehabiliteringspenning. */
export const sicknessInsurance: SubgraphDefinition<SicknessInsuranceDb, SicknessInsuranceContext> = {
  name: AGENCY_TABLE.SICKNESS_INSURANCE.subgraph,
  /** Its SDL, in this package (exported as @finsam/sickness-insurance/schema.graphql for those who compose). */
  schemaFile: fileURLToPath(new URL('../schema/sickness-insurance.graphql', import.meta.url)),
  agency: 'SICKNESS_INSURANCE',
  resolvers,
  migrations,
  // Loaded only to seed an empty store: it imports the synthetic population from @finsam/devkit, which a deployment lacks.
  seed: async () => (await import('./seed.ts')).seedSicknessInsurance,
  createContext,
  // Its categories over each period's cohort, released once per period (docs/statistics-release.md).
  statisticsRelease: sicknessInsuranceStatisticsRelease,
};

export const buildSicknessInsurance = (options?: SubgraphOptions) => buildSubgraph(sicknessInsurance, options);
