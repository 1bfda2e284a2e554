import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { COST_RULE, LIMITS } from '../limits.ts';

/**
 * GraphQL Armor's limits on every operation, whoever sends it (limits.ts): depth, aliases, cost,
 * directives, and no field suggestions in errors. A document over one is refused at validation
 * with 400 GRAPHQL_VALIDATION_FAILED.
 */
export function useArmor(): RequestPlugin<GatewayContext> {
  const protection = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ...COST_RULE },
    maxAliases: { n: LIMITS.maxAliases },
    costLimit: { maxCost: LIMITS.maxCost, ...COST_RULE },
    // Counted by use-token-limit: Armor's counter parses, and so reported every syntax error as
    // a validation failure (and any unexpected error of a request with its message).
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return {
    name: 'use-armor',
    apollo: protection.plugins as ApolloServerPlugin<GatewayContext>[],
    validationRules: protection.validationRules,
  };
}
