import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, dataDir } from '@finsam/kit/config';
import { restartCommand } from '../scripts/restart-command.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('DATA_DIR', () => {
  it('defaults to the repository\'s .data, not the current directory\'s', () => {
    expect(DEFAULT_DATA_DIR).toBe(path.join(ROOT, '.data'));
    expect(dataDir({})).toBe(DEFAULT_DATA_DIR);
    expect(dataDir({ DATA_DIR: '' })).toBe(DEFAULT_DATA_DIR);
    expect(dataDir({ DATA_DIR: '/srv/finsam' })).toBe('/srv/finsam');
  });

  it('is the same folder for a command started in another directory', () => {
    const config = pathToFileURL(path.join(ROOT, 'subgraphs/kit/src/config.ts')).href;
    const printed = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e',
      `const { dataDir } = await import(${JSON.stringify(config)}); console.log(dataDir({}));`], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(printed.trim()).toBe(path.join(ROOT, '.data'));
  });
});

describe('the restart command npm start prints when a part stops', () => {
  it('starts it from the repository with the DATA_DIR and configuration npm start was given', () => {
    const command = restartCommand('care', 4005, ROOT, { SEED: '7', SEED_PERSONS: '500', HOME: '/home/x', PATH: '/bin', CARE_URL: 'http://127.0.0.1:4005/graphql' });
    expect(command).toBe(`cd ${ROOT} && DATA_DIR=${path.join(ROOT, '.data')} SEED=7 SEED_PERSONS=500 CARE_URL=http://127.0.0.1:4005/graphql PORT=4005 npm run start:subgraph -- care`);
    expect(restartCommand('gateway', 4000, ROOT, { DATA_DIR: '/tmp/x y' })).toBe(`cd ${ROOT} && DATA_DIR='/tmp/x y' PORT=4000 npm run start:gateway`);
  });

  it('names secrets without printing them', () => {
    const command = restartCommand('coordination', 4001, ROOT, { METRICS_TOKEN: 's3cret', COORDINATION_DATABASE_URL: 'postgres://u:pw@db/c' });
    expect(command).not.toMatch(/s3cret|pw@/);
    expect(command).toMatch(/with COORDINATION_DATABASE_URL, METRICS_TOKEN set as for npm start/);
  });
});
