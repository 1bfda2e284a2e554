/**
 * The checks `npm test` runs before the suites, side by side: the two type checks and the schema
 * check read the same files and need no server, and one by one they left a core idle for about
 * 40 s of every CI run. Each command's output is printed whole when it ends, so that lines of two
 * compilers never interleave; the exit code is the first failure's.
 */
import { spawn } from 'node:child_process';

const CHECKS: readonly { label: string; command: string; args: string[] }[] = [
  { label: 'tsc (server)', command: 'tsc', args: ['--noEmit'] },
  { label: 'tsc (client)', command: 'tsc', args: ['--noEmit', '-p', 'client'] },
  { label: 'schema check', command: 'npm', args: ['run', '-s', 'check'] },
];

function run(check: (typeof CHECKS)[number]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(check.command, check.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => { output += `${error.message}\n`; });
    child.on('close', (code) => {
      const status = code ?? 1;
      process.stdout.write(`${check.label}: ${status === 0 ? 'ok' : `failed (exit ${status})`}\n${status === 0 ? '' : output}`);
      resolve(status);
    });
  });
}

const codes = await Promise.all(CHECKS.map(run));
process.exitCode = codes.find((code) => code !== 0) ?? 0;
