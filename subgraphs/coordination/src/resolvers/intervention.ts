import type { CoordinationContext } from '../context.ts';
import type { InterventionKind, Resolvers } from '../generated/resolvers-types.ts';
import { forbundOf } from './coordinator.ts';

/** An intervention as its row (`intervention`, or the participation's copy of it). */
export interface InterventionParent {
  id: string;
  name: string;
  kind: InterventionKind;
  forbund_id: string;
  start_date: string;
  end_date: string | null;
}

export const interventionResolvers = {
  Intervention: {
    __resolveReference: (ref: { id: string }, ctx: CoordinationContext) => ctx.loaders.intervention.load(ref.id),
    forbund: (i: InterventionParent, _a: unknown, ctx: CoordinationContext) => forbundOf(ctx, i.forbund_id),
    startDate: (i: InterventionParent) => i.start_date,
    endDate: (i: InterventionParent) => i.end_date,
  },
} satisfies Resolvers;
