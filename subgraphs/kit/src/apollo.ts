import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginInlineTraceDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { CLIENT_EXTENSIONS } from './error-catalogue.ts';
import { CLIENT_ERROR_CODES } from './errors.ts';
import type { Logger } from './logger.ts';
import { withoutSchemaHints } from './schema-hints.ts';
import { errorCodesOnSpan } from './tracing.ts';

/**
 * Apollo Server as every process here runs it: nothing sent to Apollo, no landing page from a
 * CDN, no persisted-query cache shared between users, no stack traces or schema hints in responses, and unexpected errors masked (they are
 * logged by message only; a message may quote data).
 */
export function createApolloServer<TContext extends BaseContext>(
  options: ApolloServerOptions<TContext>, logger: Logger,
): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    ...options,
    // Automatic persisted queries keep one cache for all users: a hash that answers tells one
    // user that another sent that document. Off; a hash alone gets PERSISTED_QUERY_NOT_SUPPORTED.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    plugins: [
      ...(options.plugins ?? []),
      // The codes of a request's errors on its server span, when this process traces (tracing.ts).
      ...(errorCodesOnSpan() as ApolloServerPlugin<TContext>[]),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
    formatError: (formatted, error) => maskError(formatted, logger, error),
  } as ApolloServerOptions<TContext>);
}

/**
 * What a client sees of an error: its code, the extensions it may act on, and its message without
 * the schema's suggestions and names (schema-hints.ts; `error` is the error as thrown, whose
 * wrapped cause says what was wrong with a variable). Anything not a client error is masked.
 */
export function maskError(formatted: GraphQLFormattedError, logger: Logger, error?: unknown): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const kept: Record<string, unknown> = { code };
  for (const key of CLIENT_EXTENSIONS) if (extensions[key] !== undefined) kept[key] = extensions[key];
  if (CLIENT_ERROR_CODES.has(code) || typeof extensions.serviceName === 'string') {
    return { message: withoutSchemaHints(formatted.message, error), locations: formatted.locations, path: formatted.path, extensions: kept };
  }
  logger.error({ code, err: formatted.message, path: formatted.path }, 'unexpected error masked');
  return { message: 'Internal error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
