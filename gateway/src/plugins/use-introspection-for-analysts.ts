import { visit, type DocumentNode } from 'graphql';
import { toGraphQLError } from '@finsam/kit/errors';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';

/**
 * The answer for each document seen: Apollo Server parses a text once and hands the same
 * document to every request that sends it (its document cache), so a coordinator's operation
 * is walked once, not on every request. Weak: a document Apollo lets go goes from here too.
 */
const answered = new WeakMap<DocumentNode, boolean>();

export function asksIntrospection(document: DocumentNode): boolean {
  const known = answered.get(document);
  if (known !== undefined) return known;
  const found = walkForIntrospection(document);
  answered.set(document, found);
  return found;
}

function walkForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/**
 * Introspection is for the role that writes ad hoc queries; clients of other roles send known
 * operations. Refused with 403 FORBIDDEN (ROLE_NOT_ALLOWED) once the operation is resolved.
 */
export function useIntrospectionForAnalysts(): RequestPlugin<GatewayContext> {
  return {
    name: 'use-introspection-for-analysts',
    apollo: [{
      async requestDidStart() {
        return {
          async didResolveOperation({ document, contextValue }) {
            if (contextValue.user.role !== 'analyst' && asksIntrospection(document)) {
              throw toGraphQLError({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED', message: 'Introspection is available to the analyst role only.' }, { http: { status: 403 } });
            }
          },
        };
      },
    }],
  };
}
