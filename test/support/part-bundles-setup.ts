import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUNDLES_PARENT, bundleParts, type BundledPart } from './part-bundles.ts';

/**
 * Bundles the graph's parts once per vitest run (part-bundles.ts) for the tests that start them as
 * processes (parts.ts), into a directory of this run's own: each run builds from the sources as
 * they are, so no run starts a bundle an earlier one left. The directory goes when the run ends.
 *
 * Set on the root config, whose projects inherit it: the first project's setup builds, the others
 * are handed the same bundles (the setups of one run share this process).
 */
type Run = { dir: string; bundles: Promise<Record<BundledPart, string>>; users: number };
const shared = globalThis as { finsamPartBundles?: Run };

export default async function setup(project: TestProject) {
  if (!shared.finsamPartBundles) {
    fs.mkdirSync(BUNDLES_PARENT, { recursive: true });
    removeLeftovers();
    const dir = fs.mkdtempSync(path.join(BUNDLES_PARENT, `run-${process.pid}-`));
    shared.finsamPartBundles = { dir, bundles: bundleParts(dir), users: 0 };
  }
  const run = shared.finsamPartBundles;
  run.users++;
  project.provide('partBundles', await run.bundles);
  return () => {
    if (--run.users > 0) return;
    fs.rmSync(run.dir, { recursive: true, force: true });
    shared.finsamPartBundles = undefined;
  };
}

/** Directories of runs that ended without their teardown (killed): their process is gone. */
function removeLeftovers() {
  for (const name of fs.readdirSync(BUNDLES_PARENT)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    fs.rmSync(path.join(BUNDLES_PARENT, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Each part's bundle (part-bundles.ts), for parts.ts. */
    partBundles: Record<BundledPart, string>;
  }
}
