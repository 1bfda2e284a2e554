import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, isSubgraphName, subgraphUrl } from './config.ts';

/** The repository's schema folder: the SDL of every served subgraph, which `npm run compose` composes. */
export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schema');

export type CompositionResult = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

/** The SDL of a served subgraph, as the working tree holds it. */
export function subgraphSdl(name: string): string {
  return fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}

/** The SDL of the five served subgraphs by name. */
export function servedSubgraphSdl(): Record<string, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphSdl(name)]));
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
