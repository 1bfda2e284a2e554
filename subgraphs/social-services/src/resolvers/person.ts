import { socialServicesSignalFacts } from './cohort.ts';
import { agencyEntryResolvers } from '@finsam/kit/release';
import type { SocialServicesContext } from '../context.ts';

/** What the sector's resolvers receive: the person; the lists load lazily through the request's loaders. */
export interface PersonRef {
  personnummer: string;
}

export const personResolvers = agencyEntryResolvers<SocialServicesContext, PersonRef>({
  agency: 'SOCIAL_SERVICES',
  sectorField: 'socialServices',
  recordsField: 'socialServicesRecords',
  sector: (person) => ({ personnummer: person.personnummer }),
  signalFacts: socialServicesSignalFacts,
});
