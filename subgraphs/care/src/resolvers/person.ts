import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { agencyEntryResolvers, type SectorRelease } from '@finsam/kit/release';
import type { CareContext } from '../context.ts';
import type { AuditTrailResolvers, PersonResolvers, Resolvers } from '../generated/resolvers-types.ts';
import type { PersonWithBasis } from '@finsam/kit/release';

/** What the sector's resolvers receive: the person and which regions released; the lists load lazily through their loaders. */
export interface PersonRef {
  personnummer: string;
  release: SectorRelease;
}

export const personResolvers = agencyEntryResolvers({
  agency: 'CARE',
  sectorField: AGENCY_TABLE.CARE.sectorField satisfies keyof PersonResolvers,
  recordsField: AGENCY_TABLE.CARE.recordsField satisfies keyof AuditTrailResolvers,
  sector: (person: PersonWithBasis, _ctx: CareContext, release: SectorRelease): PersonRef => ({ personnummer: person.personnummer, release }),
}) satisfies Resolvers;
