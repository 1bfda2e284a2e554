import { toGraphQLError } from '@finsam/kit/errors';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { exceedsTokenLimit, LIMITS } from '../limits.ts';

class TokenLimitExceeded extends Error {}

/**
 * At most LIMITS.maxTokens tokens per document, counted before the parser builds anything. The
 * refusal is a validation failure, 400 GRAPHQL_VALIDATION_FAILED (the document may be
 * well-formed, it is too big to accept); a document that is not GraphQL is left to the parser,
 * which says GRAPHQL_PARSE_FAILED.
 */
export function useTokenLimit(limit: number = LIMITS.maxTokens): RequestPlugin<GatewayContext> {
  return {
    name: 'use-token-limit',
    apollo: [{
      // A hook's throw ends the request as an unexpected error: this turns that one back into the client's refusal.
      async unexpectedErrorProcessingRequest({ error }) {
        if (error instanceof TokenLimitExceeded) {
          throw toGraphQLError({ code: 'GRAPHQL_VALIDATION_FAILED', message: error.message }, { http: { status: 400 } });
        }
      },
      async requestDidStart() {
        return {
          async parsingDidStart({ source }) {
            if (source !== undefined && exceedsTokenLimit(source, limit)) throw new TokenLimitExceeded(`Token limit of ${limit} exceeded: the document has more tokens than the graph accepts.`);
          },
        };
      },
    }],
  };
}
