import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { Logger } from '@finsam/kit/logger';
import type { Authenticator } from '../authentication.ts';
import type { GatewayContext } from '../context.ts';

/**
 * The user's bearer token (authentication.ts), from the headers, before a byte of the body is
 * read: refused with 401 UNAUTHENTICATED (counted by the front in unauthenticated_requests_total);
 * admitted, the request's context is the user and the request id.
 */
export function useAuthentication(authenticate: Authenticator, logger: Logger): RequestPlugin<GatewayContext> {
  return {
    name: 'use-authentication',
    async onRequest({ request, requestId }) {
      const result = await authenticate(request.headers);
      if (!result.ok) {
        // No audit record: nothing was released and there is no one to name; an anonymous flood
        // would otherwise write one row per request.
        logger.debug({ requestId, reason: result.refusal.message }, 'request refused: not authenticated');
        return { refuse: result.refusal };
      }
      return { context: { user: result.value, requestId } };
    },
  };
}
