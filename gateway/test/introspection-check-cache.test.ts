import { parse } from 'graphql';
import * as graphql from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { asksIntrospection } from '../src/plugins/use-introspection-for-analysts.ts';

// Counts the walks over a document: the work the check spares on a document it has seen.
vi.mock('graphql', async (original) => {
  const actual = await original<typeof import('graphql')>();
  return { ...actual, visit: vi.fn(actual.visit) };
});
const visit = vi.mocked(graphql.visit);

describe('the introspection check (issue 24: CPU per request)', () => {
  it('walks a document once, however many requests run it (Apollo Server hands the same parsed document to each)', () => {
    const document = parse('query { me { id } }');
    visit.mockClear();
    for (let i = 0; i < 5; i++) expect(asksIntrospection(document)).toBe(false);
    expect(visit).toHaveBeenCalledTimes(1);
  });

  it('still finds introspection, in each document', () => {
    expect(asksIntrospection(parse('query { __schema { types { name } } }'))).toBe(true);
    expect(asksIntrospection(parse('query { me { id } x: __type(name: "Person") { name } }'))).toBe(true);
    expect(asksIntrospection(parse('query { me { __typename } }'))).toBe(false);
  });
});
