import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { GatewayContext } from './context.ts';

/**
 * Limits on what one operation may ask, so that an ad hoc query cannot starve the agencies'
 * systems. Set with room above the coordinator client's widest operation (a 50-person caseload
 * page with every sector field: depth 7, cost about 600, 500 tokens) and the documented
 * analyst operations; anything ten times heavier is refused before a subgraph is called.
 */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 5000,
  maxTokens: 2000,
  maxDirectives: 20,
} as const;

export function armor() {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { n: LIMITS.maxAliases },
    costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection: false, flattenFragments: true },
    maxTokens: { n: LIMITS.maxTokens },
    maxDirectives: { n: LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
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

/** Introspection is for the role that writes ad hoc queries; clients of other roles send known operations. */
export function introspectionForAnalystsOnly(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (contextValue.user.role !== 'analyst' && asksIntrospection(document)) {
            throw new GraphQLError('Introspection is available to the analyst role only.', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
        },
      };
    },
  };
}

