import { fileURLToPath } from 'node:url';
import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { buildSubgraph, type SubgraphDefinition, type SubgraphOptions } from '@finsam/kit/subgraph';
import { createContext, type SocialServicesContext } from './context.ts';
import type { SocialServicesDb } from './data.ts';
import { migrations } from './migrations.ts';
import { socialServicesStatisticsRelease } from './resolvers/cohort.ts';
import { resolvers } from './resolvers/index.ts';

/** The municipality's subgraph: ekonomiskt bistånd month by month and other social-services measures. */
export const socialServices: SubgraphDefinition<SocialServicesDb, SocialServicesContext> = {
  name: AGENCY_TABLE.SOCIAL_SERVICES.subgraph,
  /** Its SDL, in this package (exported as @finsam/social-services/schema.graphql for those who compose). */
  schemaFile: fileURLToPath(new URL('../schema/social-services.graphql', import.meta.url)),
  agency: 'SOCIAL_SERVICES',
  resolvers,
  migrations,
  // Loaded only to seed an empty store: it imports the synthetic population from @finsam/devkit, which a deployment lacks.
  seed: async () => (await import('./seed.ts')).seedSocialServices,
  createContext,
  // Its categories over each period's cohort, released once per period (docs/statistics-release.md).
  statisticsRelease: socialServicesStatisticsRelease,
};

export const buildSocialServices = (options?: SubgraphOptions) => buildSubgraph(socialServices, options);
