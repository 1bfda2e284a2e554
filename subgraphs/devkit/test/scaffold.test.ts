import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSubgraph } from '../src/scaffold/scaffold.ts';

/**
 * What `npm run new-subgraph` refuses, decided before anything is written (the command turns a
 * refusal into exit 2 with its usage line: test/new-subgraph.test.ts runs it once that way).
 */
describe('planSubgraph refuses, naming the argument, and writes nothing', () => {
  const target = path.join(os.tmpdir(), `finsam-scaffold-plan-${process.pid}`);

  it.each([
    ['a name not in kebab-case', { name: 'Rehab_Plan', agency: 'CARE' }, /kebab-case/, 'name'],
    ['the name of a served subgraph', { name: 'care', agency: 'CARE' }, /"care" is taken/, 'name'],
    ['the kit', { name: 'kit', agency: 'CARE' }, /"kit" is taken/, 'name'],
    ['a name whose type the graph already has', { name: 'care-contact', agency: 'CARE' }, /type CareContact/, 'name'],
    ['no agency', { name: 'rehab-plan', agency: undefined }, /--agency is required/, 'agency'],
    ['an agency coordination does not sign for', { name: 'rehab-plan', agency: 'HOUSING' }, /not one coordination signs release bases for/, 'agency'],
  ])('%s', (_, request, message, argument) => {
    const plan = planSubgraph({ ...request, dir: target });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.refusal.code).toBe('BAD_USER_INPUT');
    expect(plan.refusal.message).toMatch(message);
    expect(plan.refusal.details?.argument).toBe(argument);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a folder that is not empty', () => {
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'mine');
    try {
      const plan = planSubgraph({ name: 'rehab-plan', agency: 'CARE', dir: target });
      expect(plan.ok).toBe(false);
      expect(plan.ok ? '' : plan.refusal.message).toMatch(/not empty: nothing is overwritten/);
      expect(fs.readdirSync(target)).toEqual(['keep.txt']);
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
  });

  it('plans a subgraph of an existing agency under the basis coordination signs for it', () => {
    const plan = planSubgraph({ name: 'rehab-plan', agency: 'CARE', dir: target });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const sdl = plan.value.files.find((f) => f.path === 'schema/rehab-plan.graphql')!.content;
    expect(sdl).toMatch(/rehabPlan: RehabPlan @requires\(fields: "careReleaseBasis"\)/);
    expect(fs.existsSync(target)).toBe(false);
  });
});
