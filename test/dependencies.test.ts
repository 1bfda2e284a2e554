import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..');

/** Every installed package's package.json, nested node_modules included. */
function installedPackages(dir: string): { name: string; version: string; engines?: { node?: string } }[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((entry) => {
    if (entry.startsWith('.')) return [];
    const at = path.join(dir, entry);
    if (entry.startsWith('@')) return installedPackages(at);
    const manifest = path.join(at, 'package.json');
    if (!fs.existsSync(manifest)) return [];
    return [JSON.parse(fs.readFileSync(manifest, 'utf8')), ...installedPackages(path.join(at, 'node_modules'))];
  });
}

describe('dependencies', () => {
  it('all run on this Node: no installed package declares an engine range that excludes it', () => {
    const packages = installedPackages(path.join(root, 'node_modules'));
    expect(packages.length).toBeGreaterThan(100);
    const refusing = packages
      .filter((p) => p.engines?.node && !semver.satisfies(process.version, p.engines.node, { includePrerelease: true }))
      .map((p) => `${p.name}@${p.version} wants node ${p.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('keeps the Apollo federation packages on one 2.x line', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const federation = ['@apollo/composition', '@apollo/gateway', '@apollo/subgraph'].map((name) => manifest.dependencies[name]);
    expect(new Set(federation).size).toBe(1);
    expect(federation[0]).toMatch(/^2\./);
  });
});
