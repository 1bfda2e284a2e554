import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe('DATA_DIR: the stores and keys are readable by the service\'s own user only', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    const coordinator = await graph.token('coordinator', 'coordinator-1');
    for (let i = 0; i < 3; i++) expect((await graph.query(coordinator, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent })).status).toBe(200);
  });
  afterAll(() => graph?.close());

  it('the directory is 0700 and every file in it 0600 (SQLite files with -wal and -shm, keys, key sets)', () => {
    expect(modeOf(graph.dataDir)).toBe('700');
    const files = fs.readdirSync(graph.dataDir);
    if (graph.dialect === 'sqlite') expect(files).toEqual(expect.arrayContaining(['care.sqlite', 'care.sqlite-wal', 'care.sqlite-shm', 'gateway.sqlite']));
    expect(files).toEqual(expect.arrayContaining(['gateway-signing-key.json', 'gateway-jwks.json', 'dev-issuer-key.json']));
    expect(Object.fromEntries(files.map((f) => [f, modeOf(path.join(graph.dataDir, f))]))).toEqual(Object.fromEntries(files.map((f) => [f, '600'])));
  });
});
