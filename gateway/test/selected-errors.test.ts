import { createRequire } from 'node:module';
import { parse, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { failureAtFields, nullsAtFailedEntities } from '../src/subgraph-source.ts';
import { errorsAtSelectedPaths, requiresOf } from '../src/selected-errors.ts';

// The gateway's plugins get a schema of graphql's CommonJS build (selected-errors.ts).
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const SUPERGRAPH = `
  directive @join__field(graph: String, requires: String) repeatable on FIELD_DEFINITION
  type Query { person(id: ID): Person  me: Me }
  type Me { persons: [Person!]! }
  type Person {
    id: ID!
    careReleaseBasis: String
    care: Care @join__field(graph: "CARE", requires: "careReleaseBasis")
    employment: Employment
    signals: [String!] @join__field(graph: "COORDINATION", requires: "employment { x } care { certificates }")
  }
  type Care { certificates: [String!] }
  type Employment { x: String }
`;
const schema = buildSchema(SUPERGRAPH);
const requires = requiresOf(SUPERGRAPH);

function place(query: string, errors: GraphQLFormattedError[]) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return errorsAtSelectedPaths(errors, document, operation, schema, requires);
}
const refused = (path: (string | number)[]): GraphQLFormattedError => ({ message: 'no consent', path, extensions: { code: 'FORBIDDEN', reason: 'NO_CONSENT' } });
const down = (path: (string | number)[]): GraphQLFormattedError => ({ message: 'The care subgraph is not reachable.', path, extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'care' } });

describe('errorsAtSelectedPaths', () => {
  it('keeps errors at selected fields, by response key, through fragments and list indexes', () => {
    const query = 'query { p: person(id: 1) { ...F } me { persons { c: care { certificates } } } } fragment F on Person { ... on Person { region: care { certificates } } }';
    const errors = [refused(['p', 'region']), refused(['me', 'persons', 3, 'c']), { message: 'whole request' }];
    expect(place(query, errors).kept).toEqual(errors);
  });

  it('drops refusals at fields fetched only to feed another', () => {
    const { kept, dropped } = place('{ me { persons { signals } } }', [refused(['me', 'persons', 0, 'care']), refused(['me', 'persons', 2, 'employment'])]);
    expect(kept).toEqual([]);
    expect(dropped).toHaveLength(2);
  });

  it('moves a failure to the selected fields that depended on it, through fields the client did not select', () => {
    expect(place('{ person(id: 1) { id s: signals } }', [down(['person', 'care'])]).kept)
      .toEqual([{ ...down(['person', 's']), message: 'signals computed without care: The care subgraph is not reachable.' }]);
    // care reads careReleaseBasis; signals reads care.
    expect(place('{ person(id: 1) { signals } }', [down(['person', 'careReleaseBasis'])]).kept.map((e) => e.path)).toEqual([['person', 'signals']]);
    expect(place('{ person(id: 1) { care { __typename } } }', [down(['person', 'careReleaseBasis'])]).kept.map((e) => e.path)).toEqual([['person', 'care']]);
    // Below a selected field, in what only signals read.
    expect(place('{ person(id: 1) { care { __typename } signals } }', [down(['person', 'care', 'certificates'])]).kept.map((e) => e.path)).toEqual([['person', 'signals']]);
    // Selected itself, and read by a selected field: at both.
    expect(place('{ person(id: 1) { care { __typename } signals } }', [down(['person', 'care'])]).kept.map((e) => e.path)).toEqual([['person', 'care'], ['person', 'signals']]);
    // A refusal the client selected stays where it is; signals are computed without that sector.
    expect(place('{ person(id: 1) { care { __typename } signals } }', [refused(['person', 'care'])]).kept).toEqual([refused(['person', 'care'])]);
    // Nothing selected needed it.
    expect(place('{ person(id: 1) { id } }', [down(['person', 'care'])]).kept).toEqual([]);
  });
});

describe('failureAtFields', () => {
  it('puts a failed fetch\'s error at every field it asked for', () => {
    const failure = (query: string, variables?: Record<string, unknown>) =>
      failureAtFields(parse(query), variables, 'care', 'SUBGRAPH_UNAVAILABLE', 'down').map((e) => e.path);
    expect(failure('{ me { id } __typename person(id: 1) { id } }')).toEqual([['me'], ['person']]);
    expect(failure('query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { care { __typename } x: employment { x } } ...G } } fragment G on Cohort { care { __typename } }',
      { representations: [{ __typename: 'Person' }, { __typename: 'Cohort' }] }))
      .toEqual([['_entities', 0, 'care'], ['_entities', 0, 'x'], ['_entities', 1, 'care']]);
  });

  it('answers a failed entity fetch with each representation\'s fields null, so a fetch that requires them still gets the entity', () => {
    const query = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { employment { x } } } }';
    const variables = { representations: [{ __typename: 'Person', id: 1 }, { __typename: 'Person', id: 2 }] };
    const errors = failureAtFields(parse(query), variables, 'employment', 'SUBGRAPH_UNAVAILABLE', 'down');
    expect(nullsAtFailedEntities(errors, variables)).toEqual({ _entities: [{ employment: null }, { employment: null }] });
    // A root fetch has no entities to stand in for.
    expect(nullsAtFailedEntities(failureAtFields(parse('{ me { id } }'), undefined, 'coordination', 'SUBGRAPH_UNAVAILABLE', 'down'), undefined)).toBeNull();
  });
});
