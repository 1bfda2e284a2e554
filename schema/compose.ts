/**
 * `npm run compose`: composes the five subgraph SDL files into schema/supergraph.graphql, or
 * exits non-zero listing every composition error. Runs offline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, isSubgraphName, subgraphUrl } from '@finsam/kit/config';
import { staleManifest } from './operations.ts';

export const SCHEMA_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

export type CompositionResult = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

export function subgraphSdl(name: string): string {
  return fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}

export function composeSupergraph(): CompositionResult {
  return composeSubgraphs(Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphSdl(name)])));
}

/** Composes subgraph SDLs given by subgraph name: the working tree's files, or another revision's (`npm run check`). */
export function composeSubgraphs(sdlByName: Record<string, string>): CompositionResult {
  const services = [];
  const errors: string[] = [];
  for (const [name, sdl] of Object.entries(sdlByName)) {
    try {
      // The URL baked into the supergraph is only a default: the gateway overrides it from env.
      // A subgraph the configuration does not know yet (a new file) gets a placeholder.
      const url = isSubgraphName(name) ? subgraphUrl(name, {}) : `http://127.0.0.1/${name}/graphql`;
      services.push({ name, url, typeDefs: parse(sdl) });
    } catch (error) {
      errors.push(`[${name}] ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
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
