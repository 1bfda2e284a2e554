import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository's workspaces as npm sees them, for the tests that hold rules over them
 * (test/workspaces.test.ts, test/runtime-boundary.test.ts).
 */
export const REPOSITORY_ROOT = path.join(import.meta.dirname, '../..');

export interface Manifest {
  name: string;
  workspaces?: string[];
  exports?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A folder's package.json (`.` for the root's). */
export const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, dir, 'package.json'), 'utf8')) as Manifest;

/** The workspace folders: `subgraphs/*` covers every subgraph folder, a new one (`npm run new-subgraph`) too; npm skips hidden folders. */
export const WORKSPACE_DIRS = (manifest('.').workspaces ?? []).flatMap((pattern) => !pattern.endsWith('/*') ? [pattern]
  : fs.readdirSync(path.join(REPOSITORY_ROOT, pattern.slice(0, -2)), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && fs.existsSync(path.join(REPOSITORY_ROOT, pattern.slice(0, -2), d.name, 'package.json')))
    .map((d) => `${pattern.slice(0, -2)}/${d.name}`));

/** `import … from 'x'`, `export … from 'x'` and `import 'x'` at the start of a line: the specifier is group 2. */
export const STATIC_IMPORT = /^\s*(?:(?:import|export)\b[^;'"`]*?\bfrom|import)\s*(['"])([^'"]+)\1/gm;
