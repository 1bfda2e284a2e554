import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@finsam/kit/caller';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { callSubgraph } from '../../support/subgraph-caller.ts';

/**
 * Wrong input, through variables as much as written into the document, tells no caller a name
 * from the schema it did not send: no "Did you mean …" suggestion (an enum value, a field, a
 * type), no type it did not name, for every role. Coordinators send the registered operations
 * only, by hash (as the client's persisted-query link does first) and by text, so variables are
 * all they can get wrong; analysts and auditors write documents too. docs/errors.md.
 */
const SCHEMA_FILE = path.join(import.meta.dirname, '../../../schema/supergraph.graphql');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/manifest.json'), 'utf8')) as { operations: { id: string; name: string; body: string }[] };
const registered = (name: string) => MANIFEST.operations.find((o) => o.name === name)!;

/** Every name a schema gives: types (the built-in scalars too), fields, arguments, input fields, enum values. */
function schemaNames(): Set<string> {
  const schema = buildASTSchema(parse(fs.readFileSync(SCHEMA_FILE, 'utf8')), { assumeValidSDL: true });
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name.startsWith('join__') || type.name.startsWith('link__')) continue;
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name);
        for (const arg of field.args) names.add(arg.name);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) names.add(field.name);
    if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name);
  }
  return names;
}

interface Case {
  name: string;
  /** A registered operation's name (coordinators) or a document (analysts and auditors). */
  operation?: string;
  query?: string;
  variables?: Record<string, unknown>;
}

const consentInput = (overrides: Record<string, unknown>) => ({
  personnummer: FIXTURE_PERSONS.allConsent, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'form-1', ...overrides,
});

/** What a coordinator can get wrong: the registered operations' variables. */
const COORDINATOR_CASES: Case[] = [
  { name: 'enum value in lower case', operation: 'RevokeConsent', variables: { personnummer: FIXTURE_PERSONS.allConsent, agency: 'care' } },
  { name: 'enum value misspelled', operation: 'RevokeConsent', variables: { personnummer: FIXTURE_PERSONS.allConsent, agency: 'CAER' } },
  { name: 'enum value as a number', operation: 'RevokeConsent', variables: { personnummer: FIXTURE_PERSONS.allConsent, agency: 3 } },
  { name: 'required variable missing', operation: 'RevokeConsent', variables: { personnummer: FIXTURE_PERSONS.allConsent } },
  { name: 'required variable null', operation: 'RevokeConsent', variables: { personnummer: FIXTURE_PERSONS.allConsent, agency: null } },
  { name: 'string for a personnummer sent as a number', operation: 'RevokeConsent', variables: { personnummer: 8503123823, agency: 'CARE' } },
  { name: 'input field misspelled', operation: 'RecordConsent', variables: { input: { ...consentInput({}), personnumer: FIXTURE_PERSONS.allConsent, personnummer: undefined } } },
  { name: 'input field unknown', operation: 'RecordConsent', variables: { input: consentInput({ agencys: ['CARE'] }) } },
  { name: 'required input field missing', operation: 'RecordConsent', variables: { input: consentInput({ formReference: undefined }) } },
  { name: 'enum in a list of an input, lower case', operation: 'RecordConsent', variables: { input: consentInput({ agencies: ['care'] }) } },
  { name: 'input as a string', operation: 'RecordConsent', variables: { input: 'everything' } },
  { name: 'input null inside a list', operation: 'RecordConsent', variables: { input: consentInput({ agencies: [null] }) } },
  { name: 'Int as a word', operation: 'Caseload', variables: { first: 'fifty' } },
  { name: 'Int overflow', operation: 'Caseload', variables: { first: 1e12 } },
  { name: 'Boolean as a string', operation: 'Caseload', variables: { first: 5, signals: 'yes' } },
];

const FOLLOW_UP = 'interventionFollowUp(from: "2025-01-01", to: "2025-12-31"';
const FOLLOW_UP_SELECTION = '{ total { started { value } } }';
/** What an analyst or an auditor can get wrong: documents and their variables (the auditor is refused the field itself after its variables are read). */
const AD_HOC_CASES: Case[] = [
  { name: 'enum variable in lower case', query: `query($g: FollowUpDimension) { ${FOLLOW_UP}, groupBy: $g) ${FOLLOW_UP_SELECTION} }`, variables: { g: 'intervention' } },
  { name: 'enum variable misspelled', query: `query($g: FollowUpDimension) { ${FOLLOW_UP}, groupBy: $g) ${FOLLOW_UP_SELECTION} }`, variables: { g: 'INTERVENTOIN' } },
  { name: 'enum nested in an input variable', query: `query($f: FollowUpFilter) { ${FOLLOW_UP}, filter: $f) ${FOLLOW_UP_SELECTION} }`, variables: { f: { sex: 'female' } } },
  { name: 'input variable field misspelled', query: `query($f: FollowUpFilter) { ${FOLLOW_UP}, filter: $f) ${FOLLOW_UP_SELECTION} }`, variables: { f: { sexx: 'FEMALE' } } },
  { name: 'input variable as a list', query: `query($f: FollowUpFilter) { ${FOLLOW_UP}, filter: $f) ${FOLLOW_UP_SELECTION} }`, variables: { f: [1, 2] } },
  { name: 'required String variable missing', query: `query($from: String!) { interventionFollowUp(from: $from, to: "2025-12-31") ${FOLLOW_UP_SELECTION} }`, variables: {} },
  { name: 'variable of a misspelled type', query: `query($g: FollowUpDimensio) { ${FOLLOW_UP}, groupBy: $g) ${FOLLOW_UP_SELECTION} }`, variables: { g: 'SEX' } },
  { name: 'enum in the document in lower case', query: `{ ${FOLLOW_UP}, groupBy: intervention) ${FOLLOW_UP_SELECTION} }` },
  { name: 'input field misspelled in the document', query: `{ ${FOLLOW_UP}, filter: { sexx: FEMALE }) ${FOLLOW_UP_SELECTION} }` },
  { name: 'argument misspelled in the document', query: `{ ${FOLLOW_UP}, groupby: SEX) ${FOLLOW_UP_SELECTION} }` },
  { name: 'field misspelled in the document', query: `{ ${FOLLOW_UP}) { totl { started { value } } } }` },
  { name: 'root field misspelled in the document', query: '{ interventionFollowUps(from: "2025-01-01", to: "2025-12-31") { total { started { value } } } }' },
];

const variablesOf = (text: string) => [...text.matchAll(/\$(\w+)/g)].map((m) => m[1]!);

/** The quoted names in a message that are the schema's and not in what the caller sent. */
function namesNotSent(message: string, sent: string, names: Set<string>): string[] {
  const quoted = [...message.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  return quoted
    .flatMap((token) => token.replace(/[[\]!$]/g, '').split(/[.\s]/))
    .filter((token) => names.has(token) && !sent.includes(token));
}

describe('no suggestions and no schema names the caller did not send', () => {
  let graph: TestGraph;
  const names = schemaNames();
  const tokens: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    graph = await startGraph({ persons: 60, registeredOperations: true, statisticsRelease: false });
    tokens.coordinator = await graph.token('coordinator', 'coordinator-1');
    tokens.analyst = await graph.token('analyst', 'analyst-1');
    tokens.auditor = await graph.token('auditor', 'auditor-1');
  });
  afterAll(() => graph?.close());

  async function post(role: Role, body: Record<string, unknown>) {
    const text = JSON.stringify(body);
    const response = await fetch(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` }, body: text });
    return { status: response.status, text: await response.text(), sent: text };
  }

  function expectNoSchemaHints(label: string, answer: { text: string; sent: string }) {
    expect(answer.text, label).not.toMatch(/did you mean/i);
    const body = JSON.parse(answer.text) as { errors?: { message: string }[] };
    expect(body.errors?.length, `${label}: ${answer.text}`).toBeGreaterThan(0);
    for (const error of body.errors ?? []) expect(namesNotSent(error.message, answer.sent, names), `${label}: ${error.message}`).toEqual([]);
  }

  it('tells a coordinator none, whether the registered operation is sent by hash or by text', async () => {
    const failures: string[] = [];
    for (const c of COORDINATOR_CASES) {
      const operation = registered(c.operation!);
      for (const [how, body] of [
        ['by hash', { variables: c.variables, extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } } }],
        ['by text', { query: operation.body, variables: c.variables }],
      ] as const) {
        // The operation's variables are its published interface (the client must name them to send any): named, they tell nothing.
        const answer = await post('coordinator', body);
        answer.sent += ` ${variablesOf(operation.body).join(' ')}`;
        try {
          expectNoSchemaHints(`coordinator, ${c.name}, ${how}`, answer);
          expect(answer.text, c.name).toMatch(/BAD_USER_INPUT/);
        } catch (error) {
          failures.push((error as Error).message.split('\n')[0]!);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(['analyst', 'auditor'] as const)('tells an %s none, through variables or in the document', async (role) => {
    const failures: string[] = [];
    for (const c of AD_HOC_CASES) {
      const answer = await post(role, { query: c.query, variables: c.variables ?? {} });
      try {
        expectNoSchemaHints(`${role}, ${c.name}`, answer);
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps BAD_USER_INPUT and names the variable (and where in it), without quoting the value sent', async () => {
    const enumAnswer = await post('coordinator', { variables: { personnummer: FIXTURE_PERSONS.allConsent, agency: 'care' }, extensions: { persistedQuery: { version: 1, sha256Hash: registered('RevokeConsent').id } } });
    const [enumError] = JSON.parse(enumAnswer.text).errors;
    expect(enumError.extensions.code).toBe('BAD_USER_INPUT');
    expect(enumError.message).toMatch(/^Variable "\$agency"/);
    const nested = await post('coordinator', { query: registered('RecordConsent').body, variables: { input: consentInput({ agencies: ['CARE', 'care'] }) } });
    const [nestedError] = JSON.parse(nested.text).errors;
    expect(nestedError.extensions.code).toBe('BAD_USER_INPUT');
    expect(nestedError.message).toMatch(/^Variable "\$input"/);
    expect(nestedError.message, nestedError.message).toContain('"input.agencies[1]"');
    // The caller's own value, a personnummer perhaps, is not quoted back (docs/errors.md: messages never quote personal data).
    const number = await post('coordinator', { query: registered('RevokeConsent').body, variables: { personnummer: 8503123823, agency: 'CARE' } });
    const [numberError] = JSON.parse(number.text).errors;
    expect(numberError.extensions.code).toBe('BAD_USER_INPUT');
    expect(numberError.message).toMatch(/^Variable "\$personnummer"/);
    expect(number.text).not.toContain('8503123823');
  });

  it('tells a caller of a subgraph itself none either', async () => {
    const revoke = 'mutation($p: String!, $a: Agency!) { revokeConsent(personnummer: $p, agency: $a) { consent { agency } } }';
    const answer = await callSubgraph(graph, 'coordination', { requestId: 'no-suggestions-1' }, revoke, { p: FIXTURE_PERSONS.allConsent, a: 'care' });
    const text = JSON.stringify(answer);
    expect(text).not.toMatch(/did you mean/i);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/^Variable "\$a"/);
    expect(namesNotSent(answer.errors![0]!.message, revoke, names)).toEqual([]);
    const consent = 'mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency } } }';
    const field = await callSubgraph(graph, 'coordination', { requestId: 'no-suggestions-2' }, consent, { i: { ...consentInput({}), personnumer: '1', personnummer: undefined } });
    expect(JSON.stringify(field)).not.toMatch(/did you mean/i);
    expect(field.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
