import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { createRequire } from 'node:module';
import { Lexer, Source, TokenKind, visit, type DocumentNode } from 'graphql';
import { toGraphQLError } from '@finsam/kit/errors';
import { MAX_OPERATION_TOKENS } from '@finsam/kit/operations';
import type { GatewayContext } from './context.ts';

/**
 * Limits on what one operation may ask, so that an ad hoc query cannot starve the agencies'
 * systems. The cost is GraphQL Armor's (2 per object, 1 per scalar, ×1.5 per level of depth).
 * Measured on the documented operations: Caseload 29, PersonOverview 42, the widest caseload
 * page a coordinator client can ask (every sector field, test/e2e/batching) 858, and the analyst
 * operations 77 (FollowUpByIntervention) to 274 (CohortAcrossSectors).
 *
 * Analysts write ad hoc queries, so their limit is tight: 700 admits each analyst operation with
 * room (2.5× the heaviest) and refuses every one of them asked ten times over (770 and up). The
 * other roles' clients send known operations; their limit, 5000, is what keeps a hostile token
 * holder out. Depth, aliases and tokens are set well above the same operations.
 */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 5000,
  maxAnalystCost: 700,
  maxTokens: MAX_OPERATION_TOKENS,
  maxDirectives: 20,
} as const;

// Apollo Server hands plugins a schema built by graphql's CommonJS build, which the ESM build's
// validate() refuses as "from another realm"; so the plugin validates with the CommonJS one.
const { validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

// Introspection is answered for analysts only (below) and is bounded by the token limit; the
// query GraphiQL sends to load the schema is 15 deep and costs 15,500, so depth and cost skip it.
const COST_RULE = { ignoreIntrospection: true, flattenFragments: true } as const;

export function armor() {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ...COST_RULE },
    maxAliases: { n: LIMITS.maxAliases },
    costLimit: { maxCost: LIMITS.maxCost, ...COST_RULE },
    // Counted by tokenLimit() below: Armor's counter parses, and so reported every syntax error as
    // a validation failure (and any unexpected error of a request with its message).
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

class TokenLimitExceeded extends Error {}

/** True when `source` has more than `limit` tokens; a text the lexer cannot read is the parser's to refuse. */
export function exceedsTokenLimit(source: string, limit: number): boolean {
  const lexer = new Lexer(new Source(source));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF;) if (++count > limit) return true;
  } catch {
    return false;
  }
  return false;
}

/**
 * At most LIMITS.maxTokens tokens per document, counted before the parser builds anything. The
 * refusal is a validation failure (the document may be well-formed, it is too big to accept); a
 * document that is not GraphQL is left to the parser, which says GRAPHQL_PARSE_FAILED.
 */
export function tokenLimit(limit: number = LIMITS.maxTokens): ApolloServerPlugin<GatewayContext> {
  return {
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
  };
}

function asksIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** The analysts' own, tighter cost limit, checked once the caller is known (validation runs before that). */
export function analystCostLimit(): ApolloServerPlugin<GatewayContext> {
  const rule = costLimitRule({ maxCost: LIMITS.maxAnalystCost, ...COST_RULE, exposeLimits: true });
  return {
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
  };
}

/** Introspection is for the role that writes ad hoc queries; clients of other roles send known operations. */
export function introspectionForAnalystsOnly(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (contextValue.user.role !== 'analyst' && asksIntrospection(document)) {
            throw toGraphQLError({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED', message: 'Introspection is available to the analyst role only.' }, { http: { status: 403 } });
          }
        },
      };
    },
  };
}

