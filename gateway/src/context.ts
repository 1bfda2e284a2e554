import type { ChainHeads } from '@finsam/kit/audit';
import type { Caller } from '@finsam/kit/caller';
import type { AuthenticatedUser } from './authentication.ts';

/** Per request at the gateway: who asks, and the id that follows the request into every subgraph and log. */
export interface GatewayContext {
  user: AuthenticatedUser;
  requestId: string;
  /**
   * The chain heads the subgraphs' answers to this request carried, by store, the newest of each
   * (subgraph-source.ts): kept in the gateway's own record of the request (use-request-audit.ts).
   */
  auditHeads?: ChainHeads;
}

/** Notes the heads one subgraph answer carried; of two answers from one store, the newer head holds the older in its chain. */
export function noteAuditHeads(context: GatewayContext, heads: ChainHeads): void {
  const kept = (context.auditHeads ??= {});
  for (const [store, head] of Object.entries(heads)) {
    if (head.seq > (kept[store]?.seq ?? -1)) kept[store] = head;
  }
}

/** The end user of this request, as the subgraphs' tokens and the audit log name them. */
export function callerOf(context: GatewayContext): Caller {
  return { actorId: context.user.id, role: context.user.role, purpose: context.user.purpose, requestId: context.requestId };
}
