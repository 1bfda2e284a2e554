import { careSignalFacts } from './cohort.ts';
import { agencyEntryResolvers } from '@finsam/kit/release';
import type { CareContext } from '../context.ts';

/** What the sector's resolvers receive: the person; the lists load lazily through the request's loaders. */
export interface PersonRef {
  personnummer: string;
}

export const personResolvers = agencyEntryResolvers<CareContext, PersonRef>({
  agency: 'CARE',
  sectorField: 'care',
  recordsField: 'careRecords',
  sector: (person) => ({ personnummer: person.personnummer }),
  signalFacts: careSignalFacts,
});
