import type { CoordinationContext } from '../context.ts';

interface InterventionParent {
  id: string;
  forbund_id: string;
  start_date: string;
  end_date: string | null;
}

export const interventionResolvers = {
  Intervention: {
    __resolveReference: (ref: { id: string }, ctx: CoordinationContext) => ctx.loaders.intervention.load(ref.id),
    forbund: (i: InterventionParent, _a: unknown, ctx: CoordinationContext) => ctx.loaders.forbund.load(i.forbund_id),
    startDate: (i: InterventionParent) => i.start_date,
    endDate: (i: InterventionParent) => i.end_date,
  },
};
