import { buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { malformedRequest } from '../src/request-shape.ts';
import { withoutSchemaHints } from '../src/schema-hints.ts';

/** What graphql-js says of variables, formatted as every process formats its errors (apollo.ts's maskError). */
const SCHEMA = buildSchema(`
  enum Agency { CARE EMPLOYMENT }
  input ConsentInput { personnummer: String! agencies: [Agency!]! }
  type Query { revoke(agency: Agency!, first: Int): Int record(input: ConsentInput!): Int }
`);

function variableMessages(document: string, variables: Record<string, unknown>): string[] {
  const operation = parse(document).definitions[0] as OperationDefinitionNode;
  const { errors } = getVariableValues(SCHEMA, operation.variableDefinitions ?? [], variables);
  return (errors ?? []).map((error) => withoutSchemaHints(error.message, error));
}

const validationMessages = (document: string) => validate(SCHEMA, parse(document)).map((error) => withoutSchemaHints(error.message, error));

describe('withoutSchemaHints', () => {
  it('says a variable\'s fault by its name and place, without a type name, a suggestion or the value sent', () => {
    expect(variableMessages('query($a: Agency!) { revoke(agency: $a) }', { a: 'care' })).toEqual(['Variable "$a" got an invalid value: it is not one of the values allowed there.']);
    expect(variableMessages('query($a: Agency!) { revoke(agency: $a) }', {})).toEqual(['Variable "$a" was not provided; the operation requires it.']);
    expect(variableMessages('query($a: Agency!) { revoke(agency: $a) }', { a: null })).toEqual(['Variable "$a" must not be null.']);
    expect(variableMessages('query($a: Agency!, $f: Int) { revoke(agency: $a, first: $f) }', { a: 'CARE', f: 1e12 })).toEqual(['Variable "$f" got an invalid value: it is outside the 32-bit integer range.']);
    expect(variableMessages('query($i: ConsentInput!) { record(input: $i) }', { i: { personnummer: 8503123823, agencies: ['CARE', 'care'], agencys: [] } })).toEqual([
      'Variable "$i" got an invalid value at "i.personnummer": it must be a string.',
      'Variable "$i" got an invalid value at "i.agencies[1]": it is not one of the values allowed there.',
      'Variable "$i" got an invalid value: it has a field "agencys" that is not defined there.',
    ]);
    expect(variableMessages('query($i: ConsentInput!) { record(input: $i) }', { i: { agencies: [] } })).toEqual(['Variable "$i" got an invalid value: a field that is required was not provided.']);
  });

  it('keeps the names a written document used and drops the type it was checked against', () => {
    expect(validationMessages('{ revoke(agency: care) }')).toEqual(['Value "care" is not one of the values allowed here.']);
    expect(validationMessages('{ revok(agency: CARE) }')).toEqual(['Cannot query field "revok" here.']);
    expect(validationMessages('{ revoke(agency: CARE, frist: 1) }')).toEqual(['Unknown argument "frist" on field "revoke".']);
    expect(validationMessages('{ record(input: { personnummer: "x", agencies: [], agencys: [] }) }')).toEqual(['Field "agencys" is not defined here.']);
    for (const message of [...validationMessages('query($a: Agncy) { revoke(agency: CARE) }'), ...validationMessages('{ revoke }')]) {
      expect(message).not.toMatch(/Did you mean|"Agency"|"Query|"agency"/);
    }
  });
});

describe('malformedRequest', () => {
  it('refuses what is not one GraphQL request, and lets each role decide the rest', () => {
    const ok = { query: '{ a }' };
    expect(malformedRequest('POST', ok, '')).toBeNull();
    expect(malformedRequest('POST', { variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }, '')).toBeNull();
    expect(malformedRequest('POST', { ...ok, variables: null, extensions: null, operationName: null }, '')).toBeNull();
    expect(malformedRequest('POST', { ...ok, extensions: { persistedQuery: null } }, '')).toBeNull();
    for (const body of ['{"query":"{ a }"}', [ok], [], null, 42, {}, { ...ok, extensions: 'x' }, { ...ok, variables: [] }, { ...ok, operationName: 1 }, { query: 1 }, { query: '' },
      { extensions: { persistedQuery: 'x' } }, { extensions: { persistedQuery: { version: 2, sha256Hash: 'ab' } } }]) {
      expect(malformedRequest('POST', body, ''), JSON.stringify(body)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    expect(malformedRequest('GET', null, '?query=%7B%20a%20%7D')).toBeNull();
    for (const search of ['?query=a&query=b', '?query=a&variables=x', '?query=a&extensions=%22x%22', '?extensions=%7B%22persistedQuery%22%3A%22x%22%7D', '']) {
      expect(malformedRequest('GET', null, search), search).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
  });
});
