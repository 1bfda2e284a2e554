import { describe, expect, it } from 'vitest';
import { canonicalOperation, operationId } from '@finsam/kit/operations';
import { RegisteredOperations } from '../src/registered-operations.ts';

// Counts how often a text is parsed and printed to its canonical form: the work the cache spares.
// (Handed in, not mocked: the suite's files share their modules, isolate: false.)
let calls = 0;
const counted = (text: string) => {
  calls++;
  return canonicalOperation(text);
};

const body = 'query Me {\n  me {\n    id\n    __typename\n  }\n}';
const operations = () => new RegisteredOperations({
  format: 'apollo-persisted-query-manifest', version: 1,
  operations: [{ id: operationId(body), name: 'Me', type: 'query' as never, body }],
}, counted);

describe('a coordinator\'s text matched to its registered operation (issue 24: CPU per request)', () => {
  it('parses and prints a text not in its canonical form once, not on every request', () => {
    const registered = operations();
    calls = 0;
    // As the client's .graphql file reads: comments, layout, no __typename.
    const text = '# the user\nquery Me { me { id } }';
    for (let i = 0; i < 5; i++) expect(registered.resolve({ query: text })).toMatchObject({ ok: true, operation: { name: 'Me' } });
    expect(calls).toBe(1);
  });

  it('remembers a text that names no registered operation as such, and the refusal stays a refusal', () => {
    const registered = operations();
    calls = 0;
    for (let i = 0; i < 3; i++) expect(registered.resolve({ query: 'query Other { me { name } }' })).toMatchObject({ ok: false, reason: 'not_registered' });
    for (let i = 0; i < 3; i++) expect(registered.resolve({ query: 'query {' })).toMatchObject({ ok: false, reason: 'not_registered' });
    expect(calls).toBe(2);
  });

  it('holds a bounded number of texts: a client sending endless variants does not grow the gateway', () => {
    const registered = operations();
    for (let i = 0; i < 5000; i++) registered.resolve({ query: `query Me { me { id } } # ${i}` });
    calls = 0;
    // The first variants were let go to make room; asked again, they are parsed again and still match.
    expect(registered.resolve({ query: 'query Me { me { id } } # 0' })).toMatchObject({ ok: true });
    expect(calls).toBe(1);
    expect(registered.cachedTexts).toBeLessThanOrEqual(1000);
  });
});
