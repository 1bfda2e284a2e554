import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { signGatewayToken, type GatewaySigningKey } from '../../subgraphs/shared/src/gateway-token.ts';
import { callerOf, type GatewayContext } from './context.ts';

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  key: GatewaySigningKey;
  /** A call slower than this is abandoned and that part of the answer is null (SUBGRAPH_TIMEOUT). */
  timeoutMs: number;
  /** Told of every failed call, for the metrics. */
  onFailure?: (subgraph: string, code: SubgraphFailureCode) => void;
}

export type SubgraphFailureCode = 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_UNAVAILABLE';

/**
 * A subgraph as the gateway calls it: over HTTP with Node's built-in fetch (undici, keep-alive),
 * with a token signed for this subgraph alone that carries the end user. A subgraph that is
 * down, refuses or is too slow costs its part of the answer, never the whole: the failure
 * becomes an error naming the service, and the gateway does not retry (no retry storms on an
 * agency that is already struggling); the next request simply tries again.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphSourceOptions) {
    super({ url: options.url, fetcher: timedFetch(options) });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!('user' in context) || !context.user || !request.http) return;
    // One token per subgraph per request, even when the plan calls a subgraph twice.
    let token = context.subgraphTokens.get(this.options.name);
    if (!token) {
      token = signGatewayToken(this.options.key, callerOf(context as GatewayContext), this.options.name);
      context.subgraphTokens.set(this.options.name, token);
    }
    request.http.headers.set('authorization', `Bearer ${await token}`);
    request.http.headers.set('x-request-id', context.requestId);
  }

  /** A refusal (HTTP 4xx/5xx) is reported by status only: the body may quote the request. */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    this.options.onFailure?.(this.options.name, 'SUBGRAPH_UNAVAILABLE');
    return subgraphError(this.options.name, 'SUBGRAPH_UNAVAILABLE', `The ${this.options.name} subgraph refused the request (HTTP ${response.status}).`);
  }
}

function subgraphError(name: string, code: SubgraphFailureCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, serviceName: name } });
}

function timedFetch(options: SubgraphSourceOptions): Fetcher {
  return (async (url: string, init?: FetcherRequestInit) => {
    try {
      return await fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const code: SubgraphFailureCode = timedOut ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
      options.onFailure?.(options.name, code);
      throw subgraphError(options.name, code, timedOut
        ? `The ${options.name} subgraph did not answer within ${options.timeoutMs} ms.`
        : `The ${options.name} subgraph is not reachable.`);
    }
  }) as unknown as Fetcher;
}
