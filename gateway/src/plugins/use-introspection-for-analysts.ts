import { visit, type DocumentNode } from 'graphql';
import { toGraphQLError } from '@finsam/kit/errors';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';

function asksIntrospection(document: DocumentNode): boolean {
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
