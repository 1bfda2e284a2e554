import { auditTrailResolvers } from './audit-trail.ts';
import { coordinatorResolvers } from './coordinator.ts';
import { interventionResolvers } from './intervention.ts';
import { mutationResolvers } from './mutation.ts';
import { personResolvers } from './person.ts';
import { queryResolvers } from './query.ts';

export const resolvers = {
  ...queryResolvers, ...mutationResolvers, ...coordinatorResolvers, ...personResolvers, ...interventionResolvers, ...auditTrailResolvers,
};
