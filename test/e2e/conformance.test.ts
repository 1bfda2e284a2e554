import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { care } from '../../subgraphs/care/src/subgraph.ts';
import type { CareContext } from '../../subgraphs/care/src/context.ts';
import { SUBGRAPH_NAMES } from '../../subgraphs/shared/src/config.ts';
import { selectedFieldPaths } from '../../subgraphs/shared/src/field-paths.ts';
import { listen, type RunningServer } from '../../subgraphs/shared/src/http.ts';
import { buildSubgraph, mergeResolverMaps, type BuiltSubgraph, type SubgraphDefinition } from '../../subgraphs/shared/src/subgraph.ts';
import { startGraph, type TestGraph } from '../support/graph.ts';
import { freePort } from '../support/free-port.ts';

/**
 * `npm run conformance` as an agency developer runs it: a separate process that reaches the
 * implementation over HTTP only, with the keys of a test deployment (the graph's DATA_DIR).
 */
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);

async function conformance(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'subgraphs/shared/src/conformance/cli.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * A region's own care subgraph in which the release under a basis was "simplified" away: it logs
 * a release and hands the sector over whatever basis came with the person. Everything else (the
 * token check, the schema, the audit log, the data) is the reference's.
 */
const careWithoutConsentCheck: SubgraphDefinition<any, CareContext> = {
  ...care,
  resolvers: mergeResolverMaps(care.resolvers as Record<string, object>, {
    Person: {
      care(person: { personnummer: string }, _args: unknown, ctx: CareContext, info: GraphQLResolveInfo) {
        ctx.audit.record({ personnummer: person.personnummer, fields: selectedFieldPaths(info), decision: 'RELEASED', reason: null, protectedIdentity: false });
        return { personnummer: person.personnummer };
      },
    },
  }) as SubgraphDefinition<any, CareContext>['resolvers'],
};

describe('npm run conformance', () => {
  let graph: TestGraph;
  let broken: { built: BuiltSubgraph<unknown>; server: RunningServer; dataDir: string };

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    // Deployed on its own, as a region would: its own DATA_DIR and store, trusting the test
    // deployment's gateway and coordination through their published key sets.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-broken-care-'));
    const built = await buildSubgraph(careWithoutConsentCheck, {
      dataDir,
      env: {
        SEED: '1', SEED_PERSONS: '300',
        GATEWAY_JWKS_URL: `${graph.gatewayUrl}/.well-known/jwks.json`,
        COORDINATION_JWKS_URL: graph.subgraphUrl('coordination').replace(/\/graphql$/, '/.well-known/jwks.json'),
      },
    });
    broken = { built, server: await listen(built.handler, 0, '127.0.0.1', {}), dataDir };
  });
  afterAll(async () => {
    await broken?.server.close();
    await broken?.built.stop();
    if (broken) fs.rmSync(broken.dataDir, { recursive: true, force: true });
    await graph?.close();
  });

  for (const name of SUBGRAPH_NAMES) {
    it(`passes for the reference ${name} subgraph`, async () => {
      const result = await conformance([name, '--url', graph.subgraphUrl(name), '--data-dir', graph.dataDir]);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trim().split('\n');
      expect(lines.filter((l) => !l.startsWith('PASS ')), result.stdout).toEqual([]);
      const checks = lines.map((l) => l.split(' ')[1]!.replace(/:$/, ''));
      expect(checks).toEqual(name === 'coordination'
        ? ['token', 'composition', 'caseload', 'release-basis-signed', 'audit']
        : ['token', 'composition', 'release-basis', 'release', 'audit', 'revocation']);
      expect(result.code).toBe(0);
    });
  }

  it('fails, naming the release-basis check, for a care subgraph that releases without a valid basis', async () => {
    const result = await conformance(['care', '--url', `${broken.server.url}/graphql`, '--data-dir', graph.dataDir]);
    const line = (check: string) => result.stdout.split('\n').find((l) => l.split(' ')[1]?.replace(/:$/, '') === check) ?? '';
    // The implementation is reached and composes: what fails is what it releases.
    expect(line('token')).toMatch(/^PASS /);
    expect(line('composition')).toMatch(/^PASS /);
    expect(line('release')).toMatch(/^PASS /);
    expect(line('release-basis')).toMatch(/^FAIL release-basis: /);
    expect(line('release-basis')).toMatch(/another agency/);
    expect(line('revocation')).toMatch(/^FAIL revocation: /);
    expect(result.code).toBe(1);
  });

  it('--json gives the same verdicts as data', async () => {
    const result = await conformance(['care', '--url', `${broken.server.url}/graphql`, '--data-dir', graph.dataDir, '--json']);
    const report = JSON.parse(result.stdout) as { sector: string; passed: boolean; checks: { name: string; passed: boolean; detail: string }[] };
    expect(report.sector).toBe('care');
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.name === 'release-basis')?.passed).toBe(false);
    expect(result.code).toBe(1);
  });

  it('exits 2 naming the URL when nothing answers there, and on a usage error', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const unreachable = await conformance(['care', '--url', url, '--data-dir', graph.dataDir]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(url);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    const unknownSector = await conformance(['dentistry', '--url', url, '--data-dir', graph.dataDir]);
    expect(unknownSector.code).toBe(2);
    expect(unknownSector.stderr).toMatch(/dentistry/);
    expect(unknownSector.stderr).toMatch(/care/);

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-no-keys-'));
    const noKeys = await conformance(['care', '--url', graph.subgraphUrl('care'), '--data-dir', empty]);
    fs.rmSync(empty, { recursive: true, force: true });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/gateway-signing-key\.json/);
  });
});
