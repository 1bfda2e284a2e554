import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { OperationDefinitionNode } from 'graphql';
import { ClientNames, CLIENT_LABELS, coordinatesUsed } from '@finsam/gateway/field-usage';
import { formatUsage, parseFieldUsage, usageReport } from '@finsam/schema/usage';

// The schema and documents as the gateway's plugin gets them: graphql's CommonJS build (field-usage.ts).
const { Kind, buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** A small graph with an interface, a union and one field deprecated, used and not. */
const schema = buildSchema(`
  interface Node { id: ID! }
  type Person implements Node {
    id: ID!
    name: String!
    fullName: String @deprecated(reason: "Use name.")
    address: String
    age: Int @deprecated(reason: "Ask for birthYear.")
    birthYear: Int
  }
  type Agency implements Node { id: ID! label: String! }
  union Found = Person | Agency
  type Query { person(id: ID!): Person  node(id: ID!): Node  search(text: String!): [Found!]! }
  type Mutation { rename(id: ID!, name: String!): Person }
`);

function used(source: string, operationName?: string): string[] {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode =>
    d.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || d.name?.value === operationName))!;
  return coordinatesUsed(schema, document, operation).sort();
}

describe('coordinatesUsed', () => {
  it('names each field on the type it is selected on, through fragments and inline fragments, once', () => {
    expect(used(`
      query Overview($id: ID!) {
        person(id: $id) { ...PersonParts ... on Person { address } name }
        again: person(id: $id) { ...PersonParts }
        node(id: $id) { id __typename ... on Agency { label } ...NodeParts }
        search(text: "x") { ... on Person { age } }
      }
      fragment PersonParts on Person { name fullName ...Deeper }
      fragment Deeper on Person { birthYear }
      fragment NodeParts on Node { id }
    `)).toEqual([
      'Agency.label', 'Node.id', 'Person.address', 'Person.age', 'Person.birthYear', 'Person.fullName', 'Person.name',
      'Query.node', 'Query.person', 'Query.search',
    ]);
  });

  it('reads the executed operation only, not the document\'s others or the fragments only they spread', () => {
    const document = `
      query A { person(id: "1") { name } }
      query B { person(id: "1") { ...Other } }
      mutation C { rename(id: "1", name: "x") { id } }
      fragment Other on Person { address }
    `;
    expect(used(document, 'A')).toEqual(['Person.name', 'Query.person']);
    expect(used(document, 'B')).toEqual(['Person.address', 'Query.person']);
    expect(used(document, 'C')).toEqual(['Mutation.rename', 'Person.id']);
  });

  it('leaves out meta-fields and introspection', () => {
    expect(used('{ __typename __schema { types { name } } person(id: "1") { __typename id } }')).toEqual(['Person.id', 'Query.person']);
  });
});

describe('ClientNames', () => {
  it('labels a missing header unknown, and a name out of charset, too long or holding a personnummer invalid', () => {
    const names = new ClientNames();
    expect(names.label(undefined)).toBe(CLIENT_LABELS.missing);
    expect(names.label('')).toBe(CLIENT_LABELS.missing);
    expect(names.label('finsam-coordinator')).toBe('finsam-coordinator');
    expect(names.label('web_2.1')).toBe('web_2.1');
    expect(names.label('a'.repeat(64))).toBe('a'.repeat(64));
    for (const hostile of ['a'.repeat(65), 'x"}', 'two words', 'finsam, other', 'ünïcode', '19900101-1234', 'app198001011234']) {
      expect(names.label(hostile), hostile).toBe(CLIENT_LABELS.invalid);
    }
  });

  it('labels every name after the first `max` other, keeping the known ones', () => {
    const names = new ClientNames(3);
    expect(['a', 'b', 'c'].map((n) => names.label(n))).toEqual(['a', 'b', 'c']);
    expect(names.label('d')).toBe(CLIENT_LABELS.overflow);
    expect(names.label('b')).toBe('b');
    expect(names.label(undefined)).toBe(CLIENT_LABELS.missing);
  });

  it('keeps the coordinator client its own label after a caller has filled every free slot with made-up names', () => {
    const names = new ClientNames(3);
    for (const made of ['x1', 'x2', 'x3', 'x4']) names.label(made);
    expect(names.label('x5')).toBe(CLIENT_LABELS.overflow);
    expect(names.label('finsam-coordinator')).toBe('finsam-coordinator');
  });
});

describe('npm run usage: the report', () => {
  const metrics = [
    '# HELP graphql_field_usage_total Executed GraphQL requests that used a schema coordinate',
    '# TYPE graphql_field_usage_total counter',
    'graphql_field_usage_total{coordinate="Query.person",operation="Overview",client="web",service="gateway"} 7',
    'graphql_field_usage_total{coordinate="Person.name",operation="Overview",client="web",service="gateway"} 7',
    'graphql_field_usage_total{coordinate="Person.name",operation="ad-hoc",client="unknown",service="gateway"} 2',
    'graphql_field_usage_total{coordinate="Person.age",operation="Overview",client="old \\"app\\"",service="gateway"} 1',
    'graphql_field_usage_total{coordinate="Person.gone",operation="Overview",client="web",service="gateway"} 4',
    'db_statements_total{subgraph="gateway",kind="audit",service="gateway"} 12',
  ].join('\n');

  it('reads the series from the exposition text, labels unescaped', () => {
    expect(parseFieldUsage(metrics)).toEqual([
      { coordinate: 'Query.person', operation: 'Overview', client: 'web', count: 7 },
      { coordinate: 'Person.name', operation: 'Overview', client: 'web', count: 7 },
      { coordinate: 'Person.name', operation: 'ad-hoc', client: 'unknown', count: 2 },
      { coordinate: 'Person.age', operation: 'Overview', client: 'old "app"', count: 1 },
      { coordinate: 'Person.gone', operation: 'Overview', client: 'web', count: 4 },
    ]);
  });

  it('puts deprecated fields first, used or not, then the rest by count, and lists the deprecated ones no one used', () => {
    const report = usageReport(schema, parseFieldUsage(metrics), { source: 'test', unused: true });
    expect(report.fields.map((f) => [f.coordinate, f.deprecated, f.total])).toEqual([
      ['Person.age', 'Ask for birthYear.', 1],
      ['Person.fullName', 'Use name.', 0],
      ['Person.name', null, 9],
      ['Query.person', null, 7],
      ['Person.gone', null, 4],
    ]);
    expect(report.fields.find((f) => f.coordinate === 'Person.name')!.uses).toEqual([
      { operation: 'Overview', client: 'web', count: 7 }, { operation: 'ad-hoc', client: 'unknown', count: 2 },
    ]);
    expect(report.fields.find((f) => f.coordinate === 'Person.gone')!.inSchema).toBe(false);
    expect(report.unusedDeprecated).toEqual(['Person.fullName']);
    expect(report.unused).toContain('Mutation.rename');
    expect(report.unused).toContain('Person.fullName');
    expect(report.unused).not.toContain('Person.name');

    const text = formatUsage(report).split('\n');
    const at = (coordinate: string) => text.findIndex((l) => l.trimStart().startsWith(`${coordinate} `));
    expect(at('Person.age')).toBeLessThan(at('Person.fullName'));
    expect(at('Person.fullName')).toBeLessThan(at('Person.name'));
    expect(text[at('Person.fullName')]).toMatch(/yes: Use name\.\s+0\s+-$/);
    expect(text[at('Person.gone')]).toMatch(/not in the schema/);
    expect(text.join('\n')).toMatch(/Deprecated and not used since the gateway started \(1\): Person\.fullName\./);
  });
});
