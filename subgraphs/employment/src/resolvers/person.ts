import { employmentSignalFacts } from './cohort.ts';
import { agencyEntryResolvers } from '@finsam/kit/release';
import type { EmploymentContext } from '../context.ts';

/** What the sector's resolvers receive: the person; the lists load lazily through the request's loaders. */
export interface PersonRef {
  personnummer: string;
}

export const personResolvers = agencyEntryResolvers<EmploymentContext, PersonRef>({
  agency: 'EMPLOYMENT',
  sectorField: 'employment',
  recordsField: 'employmentRecords',
  sector: (person) => ({ personnummer: person.personnummer }),
  signalFacts: employmentSignalFacts,
});
