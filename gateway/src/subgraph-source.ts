import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { callerHeaders } from '../../subgraphs/shared/src/caller.ts';
import type { GatewayContext } from './context.ts';

/**
 * A subgraph as the gateway calls it: over HTTP with Node's built-in fetch (undici, keep-alive),
 * carrying the end user on whose behalf the call is made.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('user' in context) || !context.user) return;
    const headers = callerHeaders({ actorId: context.user.id, role: context.user.role, purpose: context.user.purpose, requestId: context.requestId });
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}
