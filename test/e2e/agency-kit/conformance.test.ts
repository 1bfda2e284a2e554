import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { care } from '@finsam/care';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { capturedOutput } from '@finsam/kit/command-output';
import { conformanceCommand } from '@finsam/devkit/conformance';
import { failure, valueOrThrow } from '@finsam/kit/errors';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { listen, type RunningServer } from '@finsam/kit/http';
import { buildSubgraph, mergeResolverMaps, type BuiltSubgraph, type SubgraphDefinition } from '@finsam/kit/subgraph';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { runTool } from '../../support/run-tool.ts';
import { freePort } from '../../support/free-port.ts';

/** Care's request context, as its definition declares it. */
type CareContext = typeof care extends SubgraphDefinition<any, infer C> ? C : never;

/**
 * `npm run conformance` as an agency developer runs it: reaching the implementation over HTTP
 * only, with the keys of a test deployment (the graph's DATA_DIR). The command runs in the test's
 * process (the same code the bin runs; a process per run was most of this file's time), and once
 * as the bin, for its exit code and output as a process.
 */

async function conformance(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = capturedOutput();
  const code = await conformanceCommand(args, { ...process.env, ...env }, output);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}


/** A region's own care subgraph, the reference's in all but how it releases a person's care. */
const careReleasing = (release: (person: { personnummer: string; careReleaseBasis?: unknown }, ctx: CareContext, fields: string[]) => Promise<void>): SubgraphDefinition<any, CareContext> => ({
  ...care,
  resolvers: mergeResolverMaps(care.resolvers as Record<string, object>, {
    Person: {
      async care(person: { personnummer: string }, _args: unknown, ctx: CareContext, info: GraphQLResolveInfo) {
        await release(person, ctx, selectedFieldPaths(info));
        return { personnummer: person.personnummer };
      },
    },
  }) as SubgraphDefinition<any, CareContext>['resolvers'],
});

/**
 * Two ways a region's developers could "simplify" the release. Everything else (the token check,
 * the schema, the audit log, the data) is the reference's.
 */
const BROKEN_COPIES = {
  // Logs a release and hands the sector over, whatever basis came with the person.
  'releases without checking the basis': careReleasing(async (person, ctx, fields) => {
    ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity: false });
  }),
  // Verifies coordination's signature and binding as the reference does, but the consent check is gone.
  'verifies the basis but no longer checks the consent': careReleasing(async (person, ctx, fields) => {
    const basis = ctx.caller.role === 'coordinator'
      ? await ctx.releaseBases.person('CARE', person.personnummer, person.careReleaseBasis, ctx.caller)
      : { ok: false as const, reason: 'ROLE_NOT_ALLOWED' as const };
    if (!basis.ok) {
      ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'REFUSED', reason: basis.reason, protectedIdentity: false });
      valueOrThrow(failure('FORBIDDEN', 'The region releases no data for this person.', { reason: basis.reason }));
      return;
    }
    ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity: false, basisDigest: basis.digest });
  }),
  // Releases as the reference does, but its answers leave out the chain head after their records
  // (as an HTTP front of the region's own might drop `extensions`): the gateway could not anchor them.
  'answers without its audit chain heads': {
    ...care,
    createContext: (db, request, stores) => {
      const context = care.createContext(db, request, stores);
      return { ...context, auditLog: new Proxy(context.auditLog, { get: (logs, key) => (key === 'heads' ? () => null : Reflect.get(logs, key)) }) };
    },
  } as SubgraphDefinition<any, CareContext>,
} as const;
type BrokenCopy = keyof typeof BROKEN_COPIES;

describe('npm run conformance', () => {
  let graph: TestGraph;
  const broken = new Map<BrokenCopy, { built: BuiltSubgraph<unknown>; server: RunningServer; dataDir: string }>();
  // When the graph serves HTTPS (FINSAM_TEST_TLS=1), the kit is configured as its processes are.
  const trustGraphCa = (): NodeJS.ProcessEnv => (graph.clientTls.TLS_CA_FILE ? { TLS_CA_FILE: graph.clientTls.TLS_CA_FILE } : {});
  const brokenUrl = (copy: BrokenCopy) => `${broken.get(copy)!.server.url}/graphql`;

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    // Each deployed on its own, as a region would: its own DATA_DIR and store, trusting the
    // test deployment's gateway and coordination through their published key sets.
    for (const [copy, definition] of Object.entries(BROKEN_COPIES) as [BrokenCopy, SubgraphDefinition<any, CareContext>][]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-broken-care-'));
      const built = await buildSubgraph(definition, {
        dataDir,
        env: {
          ...graph.clientTls, SEED: '1', SEED_PERSONS: '300',
          GATEWAY_JWKS_URL: `${graph.gatewayUrl}/.well-known/jwks.json`,
          COORDINATION_JWKS_URL: graph.subgraphUrl('coordination').replace(/\/graphql$/, '/.well-known/jwks.json'),
        },
      });
      broken.set(copy, { built, server: await listen(built.handler, 0, '127.0.0.1', {}), dataDir });
    }
  });
  afterAll(async () => {
    for (const { server, built, dataDir } of broken.values()) {
      await server.close();
      await built.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    await graph?.close();
  });

  for (const name of SUBGRAPH_NAMES) {
    it(`passes for the reference ${name} subgraph`, async () => {
      const result = await conformance([name, '--url', graph.subgraphUrl(name), '--data-dir', graph.dataDir], trustGraphCa());
      expect(result.stderr).toBe('');
      const lines = result.stdout.trim().split('\n');
      expect(lines.filter((l) => !l.startsWith('PASS ')), result.stdout).toEqual([]);
      const checks = lines.map((l) => l.split(' ')[1]!.replace(/:$/, ''));
      expect(checks).toEqual(name === 'coordination'
        ? ['token', 'composition', 'caseload', 'release-basis-signed', 'audit']
        : ['token', 'composition', 'consent', 'release', 'audit', 'revocation']);
      expect(result.code).toBe(0);
    });
  }

  it('fails the audit check alone for a care subgraph whose answers carry no chain head', async () => {
    const result = await conformance(['care', '--url', brokenUrl('answers without its audit chain heads'), '--data-dir', graph.dataDir]);
    const failed = result.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(failed.map((l) => l.split(' ')[1]), result.stdout).toEqual(['audit:']);
    expect(failed[0]).toMatch(/the answer to a valid basis \(check release\) carried no head of its audit chain/);
    expect(result.code).toBe(1);
  });

  const FAILS_ON: Record<Exclude<BrokenCopy, 'answers without its audit chain heads'>, { finding: RegExp; audit: 'PASS' | 'FAIL' }> = {
    'releases without checking the basis': { finding: /released the person's care under a basis for another agency/, audit: 'FAIL' },
    'verifies the basis but no longer checks the consent': { finding: /released the person's care under a genuine basis without a consent/, audit: 'FAIL' },
  };
  for (const [copy, expected] of Object.entries(FAILS_ON) as [keyof typeof FAILS_ON, (typeof FAILS_ON)[keyof typeof FAILS_ON]][]) {
    it(`fails, naming the consent check, for a care subgraph that ${copy}`, async () => {
      const result = await conformance(['care', '--url', brokenUrl(copy), '--data-dir', graph.dataDir]);
      const line = (check: string) => result.stdout.split('\n').find((l) => l.split(' ')[1]?.replace(/:$/, '') === check) ?? '';
      // The implementation is reached, composes and releases under a valid basis: what fails is what it releases without one.
      expect(line('token')).toMatch(/^PASS /);
      expect(line('composition')).toMatch(/^PASS /);
      expect(line('release')).toMatch(/^PASS /);
      expect(line('consent')).toMatch(/^FAIL consent: /);
      expect(line('consent')).toMatch(expected.finding);
      expect(line('revocation')).toMatch(/^FAIL revocation: .*withdrawn/);
      // It logged a release where it should have refused.
      expect(line('audit')).toMatch(new RegExp(`^${expected.audit} audit: `));
      expect(result.code).toBe(1);
    });
  }

  it('--json gives the same verdicts as data', async () => {
    const result = await conformance(['care', '--url', brokenUrl('verifies the basis but no longer checks the consent'), '--data-dir', graph.dataDir, '--json']);
    const report = JSON.parse(result.stdout) as { sector: string; passed: boolean; checks: { name: string; passed: boolean; detail: string }[] };
    expect(report.sector).toBe('care');
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.name === 'consent')?.passed).toBe(false);
    expect(result.code).toBe(1);
  });

  it('exits 2 naming the URL when nothing answers there, and on a usage error', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const unreachable = await runTool('subgraphs/devkit/src/conformance/cli.ts', ['care', '--url', url, '--data-dir', graph.dataDir]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(url);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    const unknownSector = await conformance(['dentistry', '--url', url, '--data-dir', graph.dataDir]);
    expect(unknownSector.code).toBe(2);
    expect(unknownSector.stderr).toMatch(/dentistry/);
    expect(unknownSector.stderr).toMatch(/care/);

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-no-keys-'));
    const noKeys = await conformance(['care', '--url', graph.subgraphUrl('care'), '--data-dir', empty], trustGraphCa());
    fs.rmSync(empty, { recursive: true, force: true });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/gateway-signing-key\.json/);
  });
});
