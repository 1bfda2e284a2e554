import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { signGatewayToken, type GatewaySigningKey } from '../../subgraphs/shared/src/gateway-token.ts';
import type { GatewayContext } from './context.ts';

/**
 * A subgraph as the gateway calls it: over HTTP with Node's built-in fetch (undici, keep-alive),
 * with a token signed for this subgraph alone that carries the end user.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: string, url: string, private readonly key: GatewaySigningKey) {
    super({ url, fetcher: fetch as unknown as Fetcher });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!('user' in context) || !context.user || !request.http) return;
    // One token per subgraph per request, even when the plan calls a subgraph twice.
    let token = context.subgraphTokens.get(this.subgraph);
    if (!token) {
      token = signGatewayToken(this.key, { actorId: context.user.id, role: context.user.role, purpose: context.user.purpose, requestId: context.requestId }, this.subgraph);
      context.subgraphTokens.set(this.subgraph, token);
    }
    request.http.headers.set('authorization', `Bearer ${await token}`);
    request.http.headers.set('x-request-id', context.requestId);
  }
}
