import { personResolvers } from './person.ts';
import { socialServicesResolvers } from './social-services.ts';

export const resolvers = { ...personResolvers, ...socialServicesResolvers };
