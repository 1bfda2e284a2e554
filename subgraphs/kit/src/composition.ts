import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, isSubgraphName, subgraphUrl } from './config.ts';


export type CompositionResult = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

type Manifest = { name?: string; workspaces?: string[]; exports?: Record<string, string> };
const readManifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** The folder of the workspace package named `packageName` in the repository (an npm workspace root) given. */
export function workspacePackageDir(repository: string, packageName: string): string {
  for (const pattern of readManifest(repository).workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? fs.readdirSync(path.join(repository, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory()).map((d) => path.join(repository, pattern.slice(0, -2), d.name))
      : [path.join(repository, pattern)];
    const found = dirs.find((dir) => fs.existsSync(path.join(dir, 'package.json')) && readManifest(dir).name === packageName);
    if (found) return found;
  }
  throw new Error(`${repository} has no workspace package ${packageName}`);
}

/**
 * The SDL file a served subgraph's package exports as `@finsam/<name>/schema.graphql`: resolved
 * through the installed package, or, given a repository (a checkout whose node_modules may be
 * another's, as `npm run check` on a clone), through that repository's workspace package's exports.
 */
export function subgraphSdlFile(name: string, repository?: string): string {
  const entry = `@finsam/${name}/schema.graphql`;
  if (!repository) return createRequire(import.meta.url).resolve(entry);
  const dir = workspacePackageDir(repository, `@finsam/${name}`);
  const target = readManifest(dir).exports?.['./schema.graphql'];
  if (!target) throw new Error(`${path.join(dir, 'package.json')} does not export ./schema.graphql`);
  return path.join(dir, target);
}

/** The SDL of a served subgraph, as its package holds it (the installed one, or the given repository's). */
export function subgraphSdl(name: string, repository?: string): string {
  return fs.readFileSync(subgraphSdlFile(name, repository), 'utf8');
}

/** The SDL of the five served subgraphs by name. */
export function servedSubgraphSdl(repository?: string): Record<string, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphSdl(name, repository)]));
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
