import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { asksIntrospection } from '../src/plugins/use-introspection-for-analysts.ts';

/** A document that counts the walks over it (each reads its definitions). */
function counted(text: string): { document: DocumentNode; walks: () => number } {
  const parsed = parse(text);
  let reads = 0;
  const document = { ...parsed } as DocumentNode;
  Object.defineProperty(document, 'definitions', { enumerable: true, get: () => (reads++, parsed.definitions) });
  return { document, walks: () => reads };
}

describe('the introspection check (issue 24: CPU per request)', () => {
  it('walks a document once, however many requests run it (Apollo Server hands the same parsed document to each)', () => {
    const { document, walks } = counted('query { me { id } }');
    for (let i = 0; i < 5; i++) expect(asksIntrospection(document)).toBe(false);
    expect(walks()).toBe(1);
  });

  it('still finds introspection, in each document', () => {
    expect(asksIntrospection(parse('query { __schema { types { name } } }'))).toBe(true);
    expect(asksIntrospection(parse('query { me { id } x: __type(name: "Person") { name } }'))).toBe(true);
    expect(asksIntrospection(parse('query { me { __typename } }'))).toBe(false);
  });
});
