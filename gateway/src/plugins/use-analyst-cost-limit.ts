import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { createRequire } from 'node:module';
import { toGraphQLError } from '@finsam/kit/errors';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { COST_RULE, LIMITS } from '../limits.ts';

// Apollo Server hands plugins a schema built by graphql's CommonJS build, which the ESM build's
// validate() refuses as "from another realm"; so the plugin validates with the CommonJS one.
const { validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The analysts' own, tighter cost limit (LIMITS.maxAnalystCost), checked once the caller is known
 * (validation runs before that): refused with 400 GRAPHQL_VALIDATION_FAILED, as the general limit.
 */
export function useAnalystCostLimit(): RequestPlugin<GatewayContext> {
  const rule = costLimitRule({ maxCost: LIMITS.maxAnalystCost, ...COST_RULE, exposeLimits: true });
  return {
    name: 'use-analyst-cost-limit',
    apollo: [{
      async requestDidStart() {
        return {
          async didResolveOperation({ document, contextValue, schema }) {
            if (contextValue.user.role !== 'analyst') return;
            try {
              validate(schema, document, [rule]);
            } catch (error) {
              // The rule throws its refusal; it becomes the same client error as the general limit.
              if (!(error instanceof Error) || !/cost limit/i.test(error.message)) throw error;
              throw toGraphQLError({ code: 'GRAPHQL_VALIDATION_FAILED', message: error.message.replace(/^Syntax Error: /, '') }, { http: { status: 400 } });
            }
          },
        };
      },
    }],
  };
}
