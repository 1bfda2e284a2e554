import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { auditTrailResolvers } from './audit-trail.ts';
import { cohortResolvers } from './cohort.ts';
import { coordinatorResolvers } from './coordinator.ts';
import { followUpResolvers } from './follow-up.ts';
import { interventionResolvers } from './intervention.ts';
import { mutationResolvers } from './mutation.ts';
import { participationResolvers } from './participation.ts';
import { obstacleResolverMap } from './obstacle.ts';
import { personResolvers } from './person.ts';
import { queryResolvers } from './query.ts';
import type { CompleteResolvers } from '../generated/resolvers-types.ts';

export const resolvers: CompleteResolvers = mergeResolverMaps(
  queryResolvers, followUpResolvers, mutationResolvers, coordinatorResolvers, personResolvers, interventionResolvers, auditTrailResolvers, cohortResolvers, participationResolvers, obstacleResolverMap,
);
