import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturedOutput } from '@finsam/kit/command-output';
import { checkCommand, checkSchemas, workingTreeSubgraphs } from '@finsam/schema/check';

/**
 * `npm run check` (issue 14): a schema change that breaks a registered operation fails before
 * any end-to-end test happens to, naming the operation and the field; an additive change passes.
 * Each case is a copy of today's subgraph SDLs with one edit, checked against the registered
 * operations in schema/operations/.
 */

const root = path.join(import.meta.dirname, '..');
const operationsDir = path.join(root, 'schema/operations');
const today = workingTreeSubgraphs(root);
const ONGOING = '  ongoingSickLeave: SicknessBenefitCase\n';
/** The field with its description: a description left alone before `}` does not parse. */
const withoutOngoing = (sdl: string) => sdl.replace(/ *"[^"\n]*"\n(?=  ongoingSickLeave:)/, '').replace(ONGOING, '');

function withSicknessInsurance(edit: (sdl: string) => string): Record<string, string> {
  const sdl = today['sickness-insurance']!;
  const edited = edit(sdl);
  expect(edited).not.toBe(sdl);
  return { ...today, 'sickness-insurance': edited };
}

/** `npm run check` on a repository, its code in this process (the bin runs once as a process, below). */
async function check(repository: string, ...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const output = capturedOutput();
  const status = await checkCommand(argv, { repository, print: output });
  return { status, stdout: output.stdout(), stderr: output.stderr() };
}

describe('npm run check', () => {
  it('fails when a field PersonOverview selects is removed, naming the operation and the field', async () => {
    const result = await checkSchemas({
      baseSubgraphs: today,
      workingSubgraphs: withSicknessInsurance(withoutOngoing),
      operationsDir,
    });
    expect(result.ok).toBe(false);
    const removal = result.changes.find((c) => c.coordinate === 'SicknessInsurance.ongoingSickLeave');
    expect(removal).toMatchObject({ criticality: 'BREAKING', usedBy: ['PersonOverview'], allowed: false });
    expect(result.invalidOperations).toContainEqual(expect.objectContaining({
      operation: 'PersonOverview', file: 'schema/operations/PersonOverview.graphql',
      message: expect.stringContaining('ongoingSickLeave'),
    }));
    expect(result.report).toMatch(/PersonOverview/);
    expect(result.report).toMatch(/SicknessInsurance\.ongoingSickLeave/);
  });

  it('passes an additive change, listing it as safe', async () => {
    const result = await checkSchemas({
      baseSubgraphs: today,
      workingSubgraphs: withSicknessInsurance((sdl) => sdl.replace(ONGOING, `${ONGOING}  "When the person's latest case was decided."\n  latestDecisionDate: String\n`)),
      operationsDir,
    });
    expect(result.ok).toBe(true);
    expect(result.changes).toContainEqual(expect.objectContaining({ coordinate: 'SicknessInsurance.latestDecisionDate', criticality: 'SAFE' }));
    expect(result.invalidOperations).toEqual([]);
    expect(result.report).toMatch(/SAFE.*latestDecisionDate/);
  });

  it('lists a breaking change to a field no registered operation uses, and passes', async () => {
    // The base has a field today's schema lacks; no operation can select it (checked first).
    const base = await checkSchemas({ baseSubgraphs: today, workingSubgraphs: today, operationsDir });
    expect(base.usedCoordinates).not.toContain('SicknessBenefitCase.decisionLetterReference');
    const result = await checkSchemas({
      baseSubgraphs: withSicknessInsurance((sdl) => sdl.replace(/type SicknessBenefitCase[^{]*\{\n/, (opening) => `${opening}  decisionLetterReference: String\n`)),
      workingSubgraphs: today,
      operationsDir,
    });
    expect(result.ok).toBe(true);
    expect(result.changes).toContainEqual(expect.objectContaining({
      coordinate: 'SicknessBenefitCase.decisionLetterReference', criticality: 'BREAKING', usedBy: [],
    }));
    expect(result.report).toContain('breaking, but no registered operation uses it');
  });

  it('allows removing a field that was @deprecated on the base even though an operation uses it, and reports it', async () => {
    const result = await checkSchemas({
      baseSubgraphs: withSicknessInsurance((sdl) => sdl.replace(ONGOING, '  ongoingSickLeave: SicknessBenefitCase @deprecated(reason: "Use cases.")\n')),
      workingSubgraphs: withSicknessInsurance(withoutOngoing),
      operationsDir,
    });
    expect(result.ok).toBe(true);
    expect(result.changes).toContainEqual(expect.objectContaining({
      coordinate: 'SicknessInsurance.ongoingSickLeave', criticality: 'BREAKING', usedBy: ['PersonOverview'], allowed: true,
    }));
    expect(result.report).toMatch(/deprecated on the base/);
    expect(result.report).toMatch(/PersonOverview/);
  });

  it('lists every composition error and fails', async () => {
    const result = await checkSchemas({
      baseSubgraphs: today,
      workingSubgraphs: withSicknessInsurance((sdl) => sdl.replace('ongoingSickLeave: SicknessBenefitCase', 'ongoingSickLeave: NoSuchType')),
      operationsDir,
    });
    expect(result.ok).toBe(false);
    expect(result.compositionErrors.join('\n')).toContain('NoSuchType');
  });

  it('against HEAD on an unchanged tree, says there are no changes and exits 0', async () => {
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'schema'], { cwd: root, encoding: 'utf8' });
    const run = await check(root, '--base', 'HEAD');
    if (dirty.trim() === '') {
      expect(run.stdout).toContain('No changes to the API schema');
      expect(run.status).toBe(0);
    } else {
      expect([0, 1]).toContain(run.status);
    }
  });

  it('from the command line, names a base that does not exist and exits 2', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'schema/check.ts', '--base', 'no-such-ref-anywhere'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no-such-ref-anywhere');
  });

  it('on a clone whose working tree removes a field PersonOverview uses, exits 1 naming both; after an additive change, exits 0 listing it safe', async () => {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-check-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone]);
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
      const sdlFile = path.join(clone, 'subgraphs/sickness-insurance/schema/sickness-insurance.graphql');
      const committed = fs.readFileSync(sdlFile, 'utf8');

      fs.writeFileSync(sdlFile, withoutOngoing(committed));
      const removal = await check(clone, '--base', 'HEAD');
      expect(removal.status).toBe(1);
      expect(removal.stderr).toContain('used by PersonOverview');
      expect(removal.stderr).toContain('SicknessInsurance.ongoingSickLeave');

      fs.writeFileSync(sdlFile, committed.replace(ONGOING, `${ONGOING}  "When the person's latest case was decided."\n  latestDecisionDate: String\n`));
      const addition = await check(clone, '--base', 'HEAD');
      expect(addition.status).toBe(0);
      expect(addition.stdout).toMatch(/SAFE +SicknessInsurance\.latestDecisionDate/);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });

  it('checks a branch against where it left main: a field main added since is not a removal on the branch', async () => {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-check-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone]);
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: clone, encoding: 'utf8' });
      git('checkout', '--quiet', '-B', 'main');
      git('branch', 'feature');
      // Main moves on: a field added and composed into the committed supergraph.
      const sdlFile = path.join(clone, 'subgraphs/sickness-insurance/schema/sickness-insurance.graphql');
      fs.writeFileSync(sdlFile, fs.readFileSync(sdlFile, 'utf8').replace(ONGOING, `${ONGOING}  "When the person's latest case was decided."\n  latestDecisionDate: String\n`));
      execFileSync(process.execPath, ['--import', 'tsx', 'schema/compose.ts'], { cwd: clone, encoding: 'utf8' });
      git('commit', '--quiet', '-am', 'main adds a field');
      git('checkout', '--quiet', 'feature');

      const fromMergeBase = await check(clone);
      expect(fromMergeBase.status).toBe(0);
      expect(fromMergeBase.stdout).toContain('merge base with main');
      expect(fromMergeBase.stdout).toContain('No changes to the API schema');
      // Against main's tip, the branch would seem to remove the field.
      expect((await check(clone, '--base', 'main')).stdout).toMatch(/BREAKING +SicknessInsurance\.latestDecisionDate/);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });
});
