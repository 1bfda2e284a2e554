import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells } from '../../support/counts.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const dir = path.join(import.meta.dirname, '../../../schema/operations/analyst');
const operations = fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();

/** The operation asked `times` over in one request: its root fields repeated under aliases. */
function repeated(text: string, times: number): string {
  const document = parse(text);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const selections = Array.from({ length: times }, (_, i) => (operation.selectionSet.selections as FieldNode[])
    .map((field) => ({ ...field, alias: { kind: Kind.NAME as const, value: `copy${i}` } }))).flat();
  return print({ ...document, definitions: [{ ...operation, selectionSet: { ...operation.selectionSet, selections } }] });
}

describe('the documented analyst operations (schema/operations/analyst/)', () => {
  let graph: TestGraph;
  let analyst: string;
  beforeAll(async () => {
    graph = await startGraph({ cohortReleases: true, persons: 2000 });
    analyst = await graph.token('analyst', 'analyst-1');
  });
  afterAll(() => graph?.close());

  it('are kept as files and documented in docs/analysts.md', () => {
    expect(operations.length).toBeGreaterThanOrEqual(3);
    const docs = fs.readFileSync(path.join(import.meta.dirname, '../../../docs/analysts.md'), 'utf8');
    for (const file of operations) expect(docs).toContain(file);
  });

  for (const file of operations) {
    it(`${file} asked ten times over in one request is refused by the cost limit before any subgraph is called`, async () => {
      const statementsBefore = await graph.statements('coordination');
      const response = await graph.query(analyst, repeated(fs.readFileSync(path.join(dir, file), 'utf8'), 10));
      expect(response.status).toBe(400);
      expect(await graph.statements('coordination')).toBe(statementsBefore);
      expect(response.body.data ?? null).toBeNull();
      const error = response.body.errors?.[0];
      expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(error?.message).toMatch(/cost/i);
    });

    it(`${file} answers without errors, no count negative, and the same figures when asked again`, async () => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const response = await graph.query(analyst, text);
      expect(response.body.errors).toBeUndefined();
      const cells = countCells(response.body.data);
      const values = cells.flatMap((c) => (c.value === null ? [] : [c.value]));
      expect(values.length).toBeGreaterThan(0);
      expect(values.filter((v) => v < 0)).toEqual([]);
      // Every figure comes from a statistics release: nothing suppressed, small counts shown as drawn.
      expect(cells.filter((c) => c.suppressed || c.value === null)).toEqual([]);
      const again = await graph.query(analyst, text);
      expect(again.body).toEqual(response.body);
    });
  }
});
