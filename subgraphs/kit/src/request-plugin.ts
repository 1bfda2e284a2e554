import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { Refusal, Result } from './errors.ts';

/**
 * The one contract of a GraphQL request's path through the HTTP front (http.ts), the gateway's
 * and every subgraph's. A plugin has a hook at any of the points a request passes, in this order:
 *
 * 1. `onRequest`: the headers only, before a byte of the body is read: who is calling, may they
 *    now. It may refuse (the front answers and closes the connection, the rest of the body unread),
 *    add to the request's context, and hand back an `after` callback, run once the request is
 *    answered however it ends, so that what it took is given back from the same closure.
 * 2. `onParams`: the body read, before Apollo Server parses anything: the parameters to serve
 *    (rewritten or as they came) or a refusal.
 * 3. `apollo`: Apollo Server's own stages (parsing, validation, didResolveOperation, execution,
 *    willSendResponse), as Apollo Server plugins, and `validationRules` for its validation.
 *
 * The front runs the plugins of each point in the order of their list; a list states that order
 * once (the gateway's: gateway/src/plugins/index.ts).
 */
export interface RequestPlugin<TContext extends BaseContext> {
  /** What it is, for logs and tests (`use-authentication`). */
  name: string;
  onRequest?: (start: RequestStart<TContext>) => Promise<RequestVerdict<TContext>>;
  onParams?: (params: GraphQLParams, context: TContext) => Promise<Result<GraphQLParams>>;
  apollo?: readonly ApolloServerPlugin<TContext>[];
  validationRules?: readonly ValidationRule[];
}

export interface RequestStart<TContext> {
  /** Its headers, method and URL; the body is not read yet and must not be. */
  request: IncomingMessage;
  requestId: string;
  /** The context as the plugins before this one left it. */
  context: Partial<TContext>;
}

/** Refused, or served on: with what this plugin adds to the context, and what to run once the request is answered. */
export type RequestVerdict<TContext> = { refuse: Refusal } | { context?: Partial<TContext>; after?: () => void } | void;

/** A GraphQL request's parameters as Apollo Server is to see them: `body` for POST, `search` for GET. */
export interface GraphQLParams {
  method: string;
  body: unknown;
  search: string;
}

/** What Apollo Server is built with from a list of plugins, in the list's order. */
export function apolloOptionsOf<TContext extends BaseContext>(plugins: readonly RequestPlugin<TContext>[]) {
  return {
    plugins: plugins.flatMap((p) => p.apollo ?? []),
    validationRules: plugins.flatMap((p) => p.validationRules ?? []),
  };
}

/**
 * Runs every `onRequest` in order until one refuses. Each `after` handed back is pushed to
 * `afters` as soon as it is, so the caller runs those of a request refused later too.
 */
export async function runOnRequest<TContext extends BaseContext>(
  plugins: readonly RequestPlugin<TContext>[], request: IncomingMessage, requestId: string, afters: (() => void)[],
): Promise<Result<TContext>> {
  const context: Partial<TContext> = {};
  for (const plugin of plugins) {
    if (!plugin.onRequest) continue;
    const verdict = await plugin.onRequest({ request, requestId, context });
    if (!verdict) continue;
    if ('refuse' in verdict) return { ok: false, refusal: verdict.refuse };
    if (verdict.after) afters.push(verdict.after);
    Object.assign(context, verdict.context);
  }
  // The plugins' onRequest hooks build the whole context between them (the gateway's
  // authentication, the subgraphs' token check); the front cannot tell which fields a context has.
  return { ok: true, value: context as TContext };
}

/** Runs every `onParams` in order, each on what the one before handed on, until one refuses. */
export async function runOnParams<TContext extends BaseContext>(
  plugins: readonly RequestPlugin<TContext>[], params: GraphQLParams, context: TContext,
): Promise<Result<GraphQLParams>> {
  let current = params;
  for (const plugin of plugins) {
    if (!plugin.onParams) continue;
    const next = await plugin.onParams(current, context);
    if (!next.ok) return next;
    current = next.value;
  }
  return { ok: true, value: current };
}
