/**
 * `npm run compose`: composes the five subgraph SDL files (each in its package, `subgraphs/<name>/schema/<name>.graphql`) into schema/supergraph.graphql, or
 * exits non-zero listing every composition error. Runs offline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSubgraphs, servedSubgraphSdl, type CompositionResult } from '@finsam/kit/composition';
import { staleManifest } from './operations.ts';

import { SCHEMA_DIR, SUPERGRAPH_FILE, repositoryRoot } from './files.ts';

export { SCHEMA_DIR, SUPERGRAPH_FILE };

// Composition itself is the kit's, so a subgraph's own test composes its SDL with the served ones the same way.
export { composeSubgraphs, type CompositionResult } from '@finsam/kit/composition';

/** Composes the served subgraphs' SDL, each from its package in the repository the command runs in (not the installed packages', which a clone may share). */
export function composeSupergraph(repository: string = repositoryRoot()): CompositionResult {
  return composeSubgraphs(servedSubgraphSdl(repository));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = composeSupergraph();
  if (!result.ok) {
    console.error(`Composition failed with ${result.errors.length} error(s):`);
    for (const error of result.errors) console.error(`- ${error}`);
    process.exit(1);
  }
  fs.writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
  console.log(`Wrote ${path.relative(process.cwd(), SUPERGRAPH_FILE)} (${result.hints.length} composition hints)`);
  if (process.argv.includes('--hints')) for (const hint of result.hints) console.log(`hint: ${hint}`);
  // The coordinator client's registered operations are checked against the supergraph just written.
  const stale = staleManifest();
  if (stale.length > 0) {
    console.error('The registered operations (schema/operations/manifest.json) need attention:');
    for (const line of stale) console.error(`- ${line}`);
  }
}
