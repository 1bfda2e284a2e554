import type { Logger } from '@finsam/kit/logger';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { AnalystRateLimit } from '../analyst-rate-limit.ts';
import type { GatewayContext } from '../context.ts';

/**
 * The per-analyst rate limit (analyst-rate-limit.ts), before any parsing, planning or subgraph
 * call: refused with 429 RATE_LIMITED and `retry-after`. An admitted request holds its place until
 * it is answered: the release is this hook's `after`, which the front runs however the request
 * ends; a refused one took nothing and releases nothing.
 */
export function useAnalystRateLimit(rateLimit: AnalystRateLimit, logger: Logger): RequestPlugin<GatewayContext> {
  return {
    name: 'use-analyst-rate-limit',
    async onRequest({ context, requestId }) {
      if (!context.user) throw new Error('use-analyst-rate-limit runs after use-authentication, which names the user');
      const admission = rateLimit.admit(context.user);
      if (!admission.ok) {
        logger.info({ requestId, reason: admission.refusal.message }, 'request refused: analyst rate limit');
        return { refuse: admission.refusal };
      }
      return { after: admission.value };
    },
  };
}
