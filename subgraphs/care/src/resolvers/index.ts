import { mergeResolverMaps } from '@finsam/kit/subgraph';
import { cohortResolvers } from './cohort.ts';
import { careResolvers } from './care.ts';
import { medicalCertificateResolvers } from './medical-certificate.ts';
import { personResolvers } from './person.ts';
import type { CompleteResolvers } from '../generated/resolvers-types.ts';

export const resolvers: CompleteResolvers = mergeResolverMaps(cohortResolvers, personResolvers, careResolvers, medicalCertificateResolvers);
