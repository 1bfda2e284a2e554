import type { Caller } from '@finsam/kit/caller';
import type { AuthenticatedUser } from './authentication.ts';

/** Per request at the gateway: who asks, and the id that follows the request into every subgraph and log. */
export interface GatewayContext {
  user: AuthenticatedUser;
  requestId: string;
}

/** The end user of this request, as the subgraphs' tokens and the audit log name them. */
export function callerOf(context: GatewayContext): Caller {
  return { actorId: context.user.id, role: context.user.role, purpose: context.user.purpose, requestId: context.requestId };
}
