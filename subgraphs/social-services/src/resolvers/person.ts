import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { agencyEntryResolvers, type SectorRelease } from '@finsam/kit/release';
import type { SocialServicesContext } from '../context.ts';
import type { AuditTrailResolvers, PersonResolvers, Resolvers } from '../generated/resolvers-types.ts';
import type { PersonWithBasis } from '@finsam/kit/release';

/** What the sector's resolvers receive: the person and which municipalities released; the lists load lazily through their loaders. */
export interface PersonRef {
  personnummer: string;
  release: SectorRelease;
}

export const personResolvers = agencyEntryResolvers({
  agency: 'SOCIAL_SERVICES',
  sectorField: AGENCY_TABLE.SOCIAL_SERVICES.sectorField satisfies keyof PersonResolvers,
  recordsField: AGENCY_TABLE.SOCIAL_SERVICES.recordsField satisfies keyof AuditTrailResolvers,
  sector: (person: PersonWithBasis, _ctx: SocialServicesContext, release: SectorRelease): PersonRef => ({ personnummer: person.personnummer, release }),
}) satisfies Resolvers;
