import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { careResolvers } from './care.ts';
import { medicalCertificateResolvers } from './medical-certificate.ts';
import { personResolvers } from './person.ts';

export const resolvers = mergeResolverMaps(cohortResolvers, personResolvers, careResolvers, medicalCertificateResolvers);
