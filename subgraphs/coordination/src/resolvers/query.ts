import { valueOrThrow } from '../../../shared/src/errors.ts';
import { personForCaller } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import type { PersonParent } from './person.ts';

export const queryResolvers = {
  Query: {
    me: (_root: unknown, _args: unknown, ctx: CoordinationContext) =>
      ctx.caller.role === 'coordinator' ? ctx.loaders.coordinator.load(ctx.caller.actorId) : null,
    async person(_root: unknown, args: { personnummer: string }, ctx: CoordinationContext): Promise<PersonParent> {
      const row = valueOrThrow(await personForCaller(ctx, args.personnummer));
      return { personnummer: row.personnummer, row };
    },
  },
};
