import type { AuthenticatedUser } from './authentication.ts';

/** Per request at the gateway: who asks, and the id that follows the request into every subgraph and log. */
export interface GatewayContext {
  user: AuthenticatedUser;
  requestId: string;
  /** Tokens signed for each subgraph during this request. */
  subgraphTokens: Map<string, Promise<string>>;
}
