import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { GatewayContext } from './context.ts';

/**
 * Limits on what one operation may ask, so that an ad hoc query cannot starve the agencies'
 * systems. The cost is GraphQL Armor's (2 per object, 1 per scalar, ×1.5 per level of depth).
 * Measured on the documented operations: Caseload 29, PersonOverview 42, and the analyst
 * operations 77 (FollowUpByIntervention) to 274 (CohortAcrossSectors). 700 admits each of them
 * with room (2.5× the heaviest) and refuses every one of them asked ten times over (770 and up):
 * a test checks both. Depth, aliases and tokens are set well above the same operations.
 */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 700,
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

