/**
 * Where this package's files are: the supergraph `npm run compose` writes, the coordinator client's
 * registered operations and their manifest. Others reach them through the package's exports
 * (`@finsam/schema/supergraph.graphql`, `@finsam/schema/operations/manifest.json`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');
export const OPERATIONS_DIR = path.join(SCHEMA_DIR, 'operations');
export const MANIFEST_FILE = path.join(OPERATIONS_DIR, 'manifest.json');

/**
 * The repository a root tool runs in: the nearest folder, from where the command started up, whose
 * package.json names workspaces (npm runs root scripts there). Not computed from this file's place,
 * so that a clone sharing another checkout's node_modules composes and checks its own files.
 */
export function repositoryRoot(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    } catch { /* no package.json here */ }
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}
