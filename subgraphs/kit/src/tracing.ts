import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type Span as SdkSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { GraphQLError, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Logger } from './logger.ts';
import { mayHoldPersonnummer } from './personnummer.ts';

/**
 * OpenTelemetry traces of every process of the graph (docs/tracing.md). On only when the standard
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT names a collector; otherwise
 * no tracer provider is registered, @apollo/gateway's spans stay the API's no-ops, and the kit's
 * own span helpers below cost one boolean test.
 *
 * What a span may hold is decided here and where each helper is called: names of things (span
 * names, subgraphs, agencies, tables, fields), codes (decisions, reasons, error codes), counts and
 * the request id. Never a personnummer, a name, an address, free text, variables, SQL parameters,
 * a token or an error's message (a message may quote what was sent).
 */
let tracingOn = false;
const tracer = trace.getTracer('@finsam/kit');

/** Where spans go, by the standard variables (the traces one first, as the specification says), or null: off. */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}

export interface Tracing {
  /** Where spans are exported, or null when tracing is off. */
  endpoint: string | null;
  /** Sends the spans not yet sent and stops; on a process's shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Sets tracing up for this process, once, before it serves: `service` is its service.name
 * (gateway, coordination, care, …). The exporter is given the endpoint explicitly, so that it
 * never falls back to a default address; spans go in batches (BatchSpanProcessor, its OTEL_BSP_*
 * settings honoured), off the request path. Only W3C trace context is propagated (traceparent,
 * tracestate): baggage could carry anything a caller put in it.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env, logger?: Logger, options: {
  /** The operation names a span may carry as they are (the gateway's registered operations); any other is replaced. */
  knownOperationNames?: Iterable<string>;
} = {}): Tracing {
  const endpoint = tracesEndpoint(env);
  if (!endpoint || tracingOn) {
    if (!endpoint) logger?.info('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)');
    return { endpoint: tracingOn ? endpoint : null, shutdown: async () => undefined };
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service, 'service.namespace': 'finsam' }),
    spanProcessors: [new PersonalDataGuard(new Set(options.knownOperationNames)), new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  tracingOn = true;
  logger?.info({ endpoint }, 'tracing on: spans exported over OTLP/HTTP');
  return {
    endpoint,
    async shutdown() {
      await provider.shutdown().catch((error: Error) => logger?.warn({ err: error.message }, 'tracing: spans could not be flushed'));
    },
  };
}

/** Whether this process exports spans (startTracing found an endpoint). */
export const isTracing = (): boolean => tracingOn;

/** The attributes @apollo/gateway puts an operation's name in, as the client wrote it. */
const OPERATION_NAME_ATTRIBUTES: ReadonlySet<string> = new Set(['graphql.operation.name', 'operationName']);

/**
 * A last guard on what leaves, before the span ends. An operation's name is the client's text: an
 * analyst may name a query `Karin_Exempelsson_Storgatan_5`, which no pattern recognises, so a name
 * is kept only when it is one of `knownOperationNames` (the registered operations). Any other
 * string attribute that could hold a personnummer is replaced too. Names and addresses elsewhere
 * cannot be recognised like this; they are kept out by never being put in a span.
 */
export class PersonalDataGuard implements SpanProcessor {
  constructor(private readonly knownOperationNames: ReadonlySet<string> = new Set()) {}
  onStart(): void {}
  onEnding(span: SdkSpan): void {
    for (const [key, value] of Object.entries(span.attributes)) {
      if (typeof value !== 'string') continue;
      if (OPERATION_NAME_ATTRIBUTES.has(key)) {
        if (!this.knownOperationNames.has(value)) span.setAttribute(key, '[not registered]');
      } else if (key !== 'finsam.request_id' && mayHoldPersonnummer(value)) span.setAttribute(key, '[redacted]');
    }
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush = async () => undefined;
  shutdown = async () => undefined;
}

/**
 * Runs `work` in a span (a child of the active one) when tracing is on, and as it is otherwise.
 * A failure sets the span's status and its `error.type` (a GraphQL error's code, else the
 * error's class), never its message.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span | null) => T): T {
  if (!tracingOn) return work(null);
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    let result: T;
    try {
      result = work(span);
    } catch (error) {
      failed(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then((value) => {
        span.end();
        return value;
      }, (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      }) as T;
    }
    span.end();
    return result;
  });
}

/** A span's failure by its code or kind only. */
export function failed(span: Span, error: unknown): void {
  const code = error instanceof GraphQLError && typeof error.extensions.code === 'string' ? error.extensions.code : error instanceof Error ? error.constructor.name : 'unknown';
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Routes answered without a span: probes and scrapes, many a minute, that no one follows. */
const UNTRACED_ROUTES = new Set(['/health', '/ready', '/metrics']);

/**
 * The server span of one HTTP request, around `work`: `POST /graphql` and the like. A subgraph
 * continues the trace its caller sent (`continueIncoming`: the gateway, whose token it checks); the
 * gateway starts a trace of its own for each request, as it takes no request id from outside.
 * Ended when the response is closed, with its status.
 */
export function withServerSpan(
  request: IncomingMessage, response: ServerResponse, route: string, options: { continueIncoming: boolean; requestId: string }, work: () => Promise<void>,
): Promise<void> {
  if (!tracingOn || UNTRACED_ROUTES.has(route)) return work();
  const parent = options.continueIncoming ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
  const method = request.method ?? 'GET';
  const span = tracer.startSpan(`${method} ${route}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'http.route': route, 'finsam.request_id': options.requestId },
  }, parent);
  response.once('close', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), work);
}

/**
 * The W3C trace context of the active span, into the headers of a call to another part of the
 * graph (traceparent, tracestate), so that the callee's spans join this trace. Nothing when off.
 */
export function injectTraceContext(headers: Record<string, string>): void {
  if (tracingOn) propagation.inject(context.active(), headers);
}

/** Attributes on the active span (a failed subgraph call's code on its gateway.fetch, say); nothing when off. */
export function annotateActiveSpan(attributes: Attributes, error = false): void {
  if (!tracingOn) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  if (error) span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * A span for something already done, from its start `durationMs` ago until now (a database
 * statement, told of by Kysely once it has run), under the active span. Only under one: what runs
 * outside any request (migrations, seeding at start) would be a trace of its own per statement,
 * thousands at a start, that no one follows.
 */
export function recordFinishedSpan(name: string, durationMs: number, attributes: Attributes, error = false): void {
  if (!tracingOn || !trace.getActiveSpan()?.isRecording()) return;
  const end = Date.now();
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: end - durationMs, attributes });
  if (error) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/**
 * A span around each entry field of a subgraph's schema: the Query and Mutation fields, `_entities`
 * among them, the ways into a subgraph's data (`graphql.resolve Query.person`). The fields below
 * them are not traced one by one: their cost shows in the statements they run. Arguments are never
 * recorded; for `_entities`, the entity types and how many were asked for. When tracing is off
 * the schema is left as it is.
 */
export function traceEntryFields(schema: GraphQLSchema): GraphQLSchema {
  if (!tracingOn) return schema;
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const name = `graphql.resolve ${type.name}.${field.name}`;
      field.resolve = (source, args, contextValue, info) => {
        const attributes: Attributes = { 'graphql.field.parent_type': type.name, 'graphql.field.name': field.name };
        if (field.name === '_entities' && Array.isArray(args.representations)) {
          const representations = args.representations as { __typename?: unknown }[];
          attributes['graphql.entities.count'] = representations.length;
          attributes['graphql.entities.types'] = [...new Set(representations.map((r) => String(r?.__typename)))];
        }
        return inSpan(name, attributes, () => resolve(source, args, contextValue, info));
      };
    }
  }
  return schema;
}

/**
 * An Apollo Server plugin that puts the codes of a request's errors on its server span
 * (`graphql.error.codes`) and the subgraphs they came from (`graphql.error.subgraphs`), as
 * Hive and Cosmo do, without their messages. None when tracing is off.
 */
export function errorCodesOnSpan() {
  if (!tracingOn) return [];
  return [{
    async requestDidStart() {
      const span = trace.getActiveSpan();
      return {
        async didEncounterErrors({ errors }: { errors: readonly GraphQLError[] }) {
          if (!span) return;
          const codes = new Set<string>();
          const subgraphs = new Set<string>();
          for (const error of errors) {
            codes.add(typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR');
            if (typeof error.extensions?.serviceName === 'string') subgraphs.add(error.extensions.serviceName);
          }
          span.setAttribute('graphql.error.codes', [...codes].sort());
          if (subgraphs.size > 0) span.setAttribute('graphql.error.subgraphs', [...subgraphs].sort());
        },
      };
    },
  }];
}
