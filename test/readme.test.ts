import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';

const root = path.join(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('opens with the two commands a fresh machine needs', () => {
    const opening = readme.split('\n').slice(0, 10).join('\n');
    expect(opening).toContain('npm ci && npm start');
    expect(opening).toContain('npm ci && npm test');
  });

  it('lists every fixture person with the personnummer the seed gives them', () => {
    for (const number of Object.values(FIXTURE_PERSONS)) expect(readme).toContain(`${number.slice(0, 8)}-${number.slice(8)}`);
  });

  it('.ci/run runs the README test command', () => {
    expect(fs.readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
