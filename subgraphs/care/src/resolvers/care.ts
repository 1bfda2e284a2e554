import type { CareContext } from '../context.ts';
import type { ContactRow, RehabilitationCoordinatorRow } from '../data.ts';
import type { PersonRef } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const careResolvers = {
  Care: {
    certificates: (p: PersonRef, _a: unknown, ctx: CareContext) => ctx.loaders.certificatesByPerson.load(p.personnummer),
    contacts: (p: PersonRef, _a: unknown, ctx: CareContext) => ctx.loaders.contactsByPerson.load(p.personnummer),
    rehabilitationCoordinator: (p: PersonRef, _a: unknown, ctx: CareContext) => ctx.loaders.rehabilitationCoordinator.load(p.personnummer),
  },
  CareContact: {
    careUnit: (c: ContactRow) => c.care_unit,
  },
  RehabilitationCoordinator: {
    careUnit: (r: RehabilitationCoordinatorRow) => r.care_unit,
    assignedOn: (r: RehabilitationCoordinatorRow) => r.assigned_on,
  },
} satisfies Resolvers;
