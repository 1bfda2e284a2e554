import type { AuthenticatedUser } from './authentication.ts';

/** Per request at the gateway: who asks, and the id that follows the request into every subgraph and log. */
export interface GatewayContext {
  user: AuthenticatedUser;
  requestId: string;
}
