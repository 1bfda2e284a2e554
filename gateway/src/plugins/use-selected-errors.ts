import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@finsam/kit/logger';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { errorsAtSelectedPaths, type RequiresMap } from '../selected-errors.ts';

/** The gateway's errors, placed as errorsAtSelectedPaths says (selected-errors.ts), for every answer with data. Refuses nothing. */
export function useSelectedErrors(requires: RequiresMap, logger: Logger): RequestPlugin<GatewayContext> {
  return {
    name: 'use-selected-errors',
    apollo: [{
      async requestDidStart() {
        return {
          async willSendResponse({ response, document, operation, schema, contextValue }) {
            if (response.body.kind !== 'single' || !document || !operation) return;
            const result = response.body.singleResult;
            if (!result.errors || result.data == null) return;
            const { kept, dropped } = errorsAtSelectedPaths(result.errors, document, operation, schema, requires);
            const unexpected = dropped.filter((e) => e.extensions?.code !== 'FORBIDDEN');
            if (unexpected.length > 0) {
              // Paths and codes only: field names and list positions, no values.
              logger.warn({ requestId: contextValue.requestId, errors: unexpected.map((e) => ({ code: e.extensions?.code, service: e.extensions?.serviceName, path: e.path })) },
                'errors at fields the operation did not select, and no selected field depended on');
            }
            if (kept.length === 0) delete (result as { errors?: unknown }).errors;
            else (result as { errors?: readonly GraphQLFormattedError[] }).errors = kept;
          },
        };
      },
    }],
  };
}
