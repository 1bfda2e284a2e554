import { describe, expect, it } from 'vitest';
import { OperationTypeNode } from 'graphql';
import { RegisteredOperations, asRegistered, operationId } from '../src/registered-operations.ts';

/**
 * The registered-operations step called directly. Through HTTP the kit's request-shape check
 * (request-shape.ts) refuses a malformed body with one 400 before any role-specific step runs, so
 * the `malformed` refusals below are the step's own second line: if the front's order ever
 * changed, a coordinator's malformed request must still not reach Apollo Server.
 */
const TEXT = 'query Caseload { caseload { persons { id } } }';
const operations = new RegisteredOperations({
  format: 'apollo-persisted-query-manifest', version: 1,
  operations: [{ id: operationId(TEXT), name: 'Caseload', type: OperationTypeNode.QUERY, body: TEXT }],
});
const post = (body: unknown) => asRegistered(operations, { method: 'POST', body, search: '' });

describe('registered operations, called without the HTTP front', () => {
  it.each([
    ['a batch', [{ query: TEXT }]],
    ['a string body', 'x'],
    ['null', null],
    ['a query that is not a string', { query: 42 }],
    ['a persistedQuery without its version', { extensions: { persistedQuery: { sha256Hash: operationId(TEXT) } } }],
    ['no operation at all', { variables: {} }],
  ])('refuses %s as malformed, OPERATION_NOT_REGISTERED (403)', (_shape, body) => {
    const result = post(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('malformed');
    expect(result.refusal).toMatchObject({ status: 403, code: 'OPERATION_NOT_REGISTERED' });
  });

  it('runs the registered text, by hash or by text, and drops the persistedQuery extension', () => {
    const byHash = post({ extensions: { persistedQuery: { version: 1, sha256Hash: operationId(TEXT) }, other: 1 } });
    expect(byHash).toMatchObject({ ok: true, value: { body: { query: TEXT, extensions: { other: 1 } } } });
    const byText = post({ query: TEXT, variables: { a: 1 } });
    expect(byText).toMatchObject({ ok: true, value: { body: { query: TEXT, variables: { a: 1 } } } });
    if (byText.ok) expect((byText.value.body as Record<string, unknown>).extensions).toBeUndefined();
  });

  it('tells an unknown hash from a text that is not registered, and a hash that names another text', () => {
    expect(post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } })).toMatchObject({ ok: false, reason: 'unknown_hash', refusal: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(post({ query: '{ __typename }' })).toMatchObject({ ok: false, reason: 'not_registered' });
    expect(post({ query: TEXT, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } })).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });
});
