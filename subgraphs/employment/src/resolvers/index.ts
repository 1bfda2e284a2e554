import { cohortResolvers } from './cohort.ts';
import { employmentServiceResolvers } from './employment-service.ts';
import { personResolvers } from './person.ts';
import { registrationResolvers } from './registration.ts';

export const resolvers = { ...cohortResolvers, ...personResolvers, ...employmentServiceResolvers, ...registrationResolvers };
