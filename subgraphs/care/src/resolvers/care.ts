import { fromEachReleased, newestFirst } from '@finsam/kit/controllers';
import type { CareContext, ContactOf, RehabilitationCoordinatorOf } from '../context.ts';
import type { PersonRef } from './person.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const careResolvers = {
  Care: {
    certificates: (p: PersonRef, _a: unknown, ctx: CareContext) => fromEachReleased(p.release.released,
      (code) => ctx.loadersOf(code).certificatesByPerson.load(p.personnummer), newestFirst((c) => c.issued_on, (c) => c.id)),
    contacts: (p: PersonRef, _a: unknown, ctx: CareContext) => fromEachReleased(p.release.released,
      (code) => ctx.loadersOf(code).contactsByPerson.load(p.personnummer), newestFirst((c) => c.date, (c) => c.id)),
    // One at a time: the most recently assigned among the regions that released.
    rehabilitationCoordinator: async (p: PersonRef, _a: unknown, ctx: CareContext) => (await fromEachReleased(p.release.released,
      async (code) => { const one = await ctx.loadersOf(code).rehabilitationCoordinator.load(p.personnummer); return one ? [one] : []; },
      newestFirst((r) => r.assigned_on)))[0] ?? null,
    releasedBy: (p: PersonRef) => [...p.release.released],
    notReleased: (p: PersonRef) => [...p.release.notReleased],
  },
  CareContact: {
    careUnit: (c: ContactOf) => c.care_unit,
  },
  RehabilitationCoordinator: {
    careUnit: (r: RehabilitationCoordinatorOf) => r.care_unit,
    assignedOn: (r: RehabilitationCoordinatorOf) => r.assigned_on,
  },
} satisfies Resolvers;
