import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { differences } from './bench/peer-paths.ts';

/**
 * The peer gateways `npm run bench` measures (test/bench/peers, docs/performance.md) are a package
 * of their own, installed by the bench on demand: the root install, which CI and every developer
 * run, must not pick them up, and their lock must pin what the figures were measured with.
 */
const root = path.join(import.meta.dirname, '..');
const PEERS = 'test/bench/peers';
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const EXACT = /^\d+\.\d+\.\d+$/;

describe('the bench peers package', () => {
  const manifest = json(`${PEERS}/package.json`) as { dependencies: Record<string, string>; workspaces?: unknown };
  const lock = json(`${PEERS}/package-lock.json`) as { lockfileVersion: number; packages: Record<string, { version?: string; integrity?: string; link?: boolean; dependencies?: Record<string, string> }> };

  it('stays out of the root install: no workspace glob reaches it, the root lock holds none of its packages', () => {
    const workspaces = (json('package.json') as { workspaces: string[] }).workspaces;
    const reaches = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]+')}$`).test(PEERS);
    expect(workspaces.filter(reaches)).toEqual([]);
    const rootLock = json('package-lock.json') as { packages: Record<string, unknown> };
    expect(Object.keys(rootLock.packages).filter((key) => key.startsWith(PEERS) || key.includes('@graphql-hive/'))).toEqual([]);
  });

  it('pins every dependency exactly, in its manifest and in its lock, each with an integrity hash', () => {
    expect(Object.entries(manifest.dependencies).filter(([, version]) => !EXACT.test(version))).toEqual([]);
    expect(lock.lockfileVersion).toBe(3);
    // The lock is of this manifest: the same dependencies, at the same versions.
    expect(lock.packages['']?.dependencies).toEqual(manifest.dependencies);
    for (const [name, version] of Object.entries(manifest.dependencies)) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    const loose = Object.entries(lock.packages).filter(([key, entry]) => key !== '' && !entry.link
      && !(/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(entry.version ?? '') && entry.integrity?.startsWith('sha512-')))
      .map(([key]) => key);
    expect(loose).toEqual([]);
  });

  it('measures the stock gateway at the version this graph runs (one Apollo federation 2.x line)', () => {
    const ours = (json('package.json') as { dependencies: Record<string, string> }).dependencies;
    expect(manifest.dependencies['@apollo/gateway']).toBe(ours['@apollo/gateway']);
    expect(manifest.dependencies['@apollo/server']).toBe(ours['@apollo/server']);
    expect(manifest.dependencies.graphql).toBe(ours.graphql);
  });
});

describe('the identical-answers check of the bench', () => {
  it('says where two answers differ, showing ids and codes and only the kind of any other value', () => {
    const ours = { person: { personnummer: '191212121212', name: 'Anna Andersson', consents: [{ agency: 'CARE' }], signals: [] } };
    const theirs = { person: { personnummer: '191212121212', name: 'Anna Svensson', consents: [{ agency: 'EMPLOYMENT' }, { agency: 'CARE' }], signals: null } };
    const found = differences(ours, theirs);
    expect(found).toEqual([
      'person.name: ours string (value differs), theirs string',
      'person.consents.0.agency: ours "CARE", theirs "EMPLOYMENT"',
      'person.consents.1: ours missing, theirs object',
      'person.signals: ours list of 0, theirs null',
    ]);
    expect(found.join('\n')).not.toMatch(/Anna|Andersson|Svensson/);
    expect(differences(ours, structuredClone(ours))).toEqual([]);
  });
});
