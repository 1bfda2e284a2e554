import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { addTypenameToDocument, print } from '@apollo/client/utilities';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, OPERATIONS_DIR, generateManifest, manifestDifferences } from '@finsam/schema/operations';
import { canonicalOperation, type OperationManifest } from '@finsam/gateway/registered-operations';

const committed = () => JSON.parse(fs.readFileSync(MANIFEST_FILE, 'utf8')) as OperationManifest;

describe('the registered operations manifest (schema/operations/manifest.json)', () => {
  const generated = generateManifest();

  it('is generated without errors from the client\'s operation files', () => {
    expect(generated.ok ? [] : generated.errors).toEqual([]);
  });

  it('matches the operation files (run `npm run operations` after changing one)', () => {
    if (!generated.ok) return;
    expect(manifestDifferences(committed(), generated.manifest)).toEqual([]);
    expect(fs.readFileSync(MANIFEST_FILE, 'utf8')).toBe(generated.text);
  });

  it('registers every top-level operation file and none of the analysts\' ad hoc ones', () => {
    const files = fs.readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql')).map((f) => path.basename(f, '.graphql')).sort();
    expect(committed().operations.map((o) => o.name).sort()).toEqual(files);
    const analyst = fs.readdirSync(path.join(OPERATIONS_DIR, 'analyst')).map((f) => path.basename(f, '.graphql'));
    for (const name of analyst) expect(committed().operations.map((o) => o.name)).not.toContain(name);
  });

  it('holds each body as Apollo Client 4 sends it, under the SHA-256 of that text', () => {
    const manifest = committed();
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.version).toBe(1);
    for (const operation of manifest.operations) {
      const file = fs.readFileSync(path.join(OPERATIONS_DIR, `${operation.name}.graphql`), 'utf8');
      expect(operation.body, operation.name).toBe(print(addTypenameToDocument(parse(file))));
      expect(operation.id, operation.name).toBe(createHash('sha256').update(operation.body).digest('hex'));
    }
  });

  it('names the file whose operation no longer matches the manifest', () => {
    if (!generated.ok) return;
    const stale: OperationManifest = { ...generated.manifest, operations: generated.manifest.operations.map((o, i) => (i === 0 ? { ...o, body: `${o.body} ` } : o)) };
    const differences = manifestDifferences(stale, generated.manifest);
    expect(differences).toHaveLength(1);
    expect(differences[0]).toContain(`schema/operations/${generated.manifest.operations[0]!.name}.graphql`);
    expect(differences[0]).toContain('npm run operations');
    const withoutOne: OperationManifest = { ...generated.manifest, operations: generated.manifest.operations.slice(1) };
    expect(manifestDifferences(withoutOne, generated.manifest)[0]).toMatch(/not in the manifest.*npm run operations/);
  });

  it('gives a client\'s text the same canonical form with or without the __typename Apollo Client adds, whatever its layout', () => {
    const plain = 'query Q($id: ID) { person(id: $id) { id consents { agency } } }';
    const canonical = canonicalOperation(plain);
    expect(canonicalOperation(canonical)).toBe(canonical);
    expect(canonicalOperation(`# a comment\nquery Q($id: ID) {\n  person(id: $id) {\n    id\n    consents {\n      agency\n      __typename\n    }\n    __typename\n  }\n}\n`)).toBe(canonical);
    expect(canonical).toContain('consents {\n      agency\n      __typename\n    }');
    expect(canonical).not.toMatch(/^query Q\(\$id: ID\) \{\n {2}__typename/);
  });
});
