import { careResolvers } from './care.ts';
import { medicalCertificateResolvers } from './medical-certificate.ts';
import { personResolvers } from './person.ts';

export const resolvers = { ...personResolvers, ...careResolvers, ...medicalCertificateResolvers };
