import { coordinatorResolvers } from './coordinator.ts';
import { interventionResolvers } from './intervention.ts';
import { personResolvers } from './person.ts';
import { queryResolvers } from './query.ts';

export const resolvers = { ...queryResolvers, ...coordinatorResolvers, ...personResolvers, ...interventionResolvers };
