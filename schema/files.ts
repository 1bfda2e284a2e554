/**
 * Where this package's files are: the supergraph `npm run compose` writes, the coordinator client's
 * registered operations and their manifest. Others reach them through the package's exports
 * (`@finsam/schema/supergraph.graphql`, `@finsam/schema/operations/manifest.json`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from '@finsam/kit/config';

export const SCHEMA_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');
export const OPERATIONS_DIR = path.join(SCHEMA_DIR, 'operations');
export const MANIFEST_FILE = path.join(OPERATIONS_DIR, 'manifest.json');

/** The repository a root tool runs in: the workspace root from where the command started (the kit's workspaceRoot). */
export const repositoryRoot = (from?: string): string => workspaceRoot(from);
