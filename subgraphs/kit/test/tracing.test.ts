import { context, propagation, trace } from '@opentelemetry/api';
import type { Span as SdkSpan } from '@opentelemetry/sdk-trace-base';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { statementOf } from '../src/database.ts';
import { PersonalDataGuard, inSpan, injectTraceContext, isTracing, startTracing, traceEntryFields, tracesEndpoint } from '../src/tracing.ts';

// Nothing here turns tracing on: a provider registered would be the whole test worker's.
describe('tracing', () => {
  it('is on only with an OTLP endpoint, the traces variable first, and off when the SDK is disabled', () => {
    expect(tracesEndpoint({})).toBeNull();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeNull();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' })).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4319/traces' })).toBe('http://127.0.0.1:4319/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('registers no tracer provider without an endpoint: spans stay no-ops and no trace context travels', async () => {
    const tracing = startTracing('care', {});
    expect(tracing.endpoint).toBeNull();
    expect(isTracing()).toBe(false);
    await tracing.shutdown();
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    const headers: Record<string, string> = {};
    injectTraceContext(headers);
    propagation.inject(context.active(), headers);
    expect(headers).toEqual({});
    // The kit's helpers run the work as it is, and leave a schema's resolvers untouched.
    expect(inSpan('x', {}, (s) => s)).toBeNull();
    const resolve = () => 'answer';
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString, resolve } } }) });
    expect(traceEntryFields(schema).getQueryType()!.getFields().a!.resolve).toBe(resolve);
  });

  it('guards the last step: a string attribute that could hold a personnummer is replaced', () => {
    const attributes: Record<string, unknown> = { 'graphql.operation.name': 'Person198503123824', 'db.collection.name': 'person', 'finsam.request_id': 'abc', count: 3, 'error.type': 'x198503123824' };
    const span = { attributes, setAttribute: (key: string, value: unknown) => { attributes[key] = value; } } as unknown as SdkSpan;
    new PersonalDataGuard().onEnding(span);
    expect(attributes).toEqual({ 'graphql.operation.name': '[not registered]', 'db.collection.name': 'person', 'finsam.request_id': 'abc', count: 3, 'error.type': '[redacted]' });
  });

  it('keeps an operation\'s name only when it is a registered one: an analyst\'s own name could spell a person', () => {
    const guarded = (name: string) => {
      const attributes: Record<string, unknown> = { 'graphql.operation.name': name, operationName: name };
      new PersonalDataGuard(new Set(['Caseload'])).onEnding({ attributes, setAttribute: (key: string, value: unknown) => { attributes[key] = value; } } as unknown as SdkSpan);
      return attributes;
    };
    expect(guarded('Caseload')).toEqual({ 'graphql.operation.name': 'Caseload', operationName: 'Caseload' });
    expect(guarded('Karin_Exempelsson_Storgatan_5')).toEqual({ 'graphql.operation.name': '[not registered]', operationName: '[not registered]' });
  });

  it('names a statement by what it does and its table, never by its text', () => {
    const table = (name: string) => ({ kind: 'TableNode', table: { identifier: { name } } });
    expect(statementOf({ kind: 'SelectQueryNode', from: { froms: [{ kind: 'AliasNode', node: table('person') }] } }, 'select …')).toEqual({ operation: 'SELECT', table: 'person' });
    expect(statementOf({ kind: 'InsertQueryNode', into: table('consent') }, 'insert …')).toEqual({ operation: 'INSERT', table: 'consent' });
    expect(statementOf({ kind: 'UpdateQueryNode', table: table('consent') }, 'update …')).toEqual({ operation: 'UPDATE', table: 'consent' });
    expect(statementOf({ kind: 'DeleteQueryNode', from: { froms: [table('obstacle')] } }, 'delete …')).toEqual({ operation: 'DELETE', table: 'obstacle' });
    expect(statementOf({ kind: 'RawNode' }, "select * from person where personnummer = '198503123824'")).toEqual({ operation: 'SELECT' });
    expect(statementOf({ kind: 'RawNode' }, '198503123824')).toEqual({ operation: 'STATEMENT' });
  });
});
