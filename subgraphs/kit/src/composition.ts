import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { GRAPH_SCHEMA_DIR, SUBGRAPH_NAMES, isSubgraphName, subgraphUrl } from './config.ts';


export type CompositionResult = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

/** The SDL of a served subgraph, as the working tree holds it (in this repository's schema folder, or the one given). */
export function subgraphSdl(name: string, schemaDir: string = GRAPH_SCHEMA_DIR): string {
  return fs.readFileSync(path.join(schemaDir, `${name}.graphql`), 'utf8');
}

/** The SDL of the five served subgraphs by name. */
export function servedSubgraphSdl(schemaDir: string = GRAPH_SCHEMA_DIR): Record<string, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphSdl(name, schemaDir)]));
}

/**
 * Composes subgraph SDLs given by subgraph name: the working tree's files, another revision's
 * (`npm run check`), or the served five with one not yet in the graph (a new subgraph's own test).
 */
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
