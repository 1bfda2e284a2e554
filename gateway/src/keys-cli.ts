/**
 * `npm run keys -- next | switch | retire | status`: rotates the gateway's signing key (the key
 * of its tokens to the subgraphs and of its audit checkpoints) with the new key beside the old,
 * so that no request is lost (docs/key-rotation.md). The running gateway reads its key file again
 * when it changes: no restart. Works on DATA_DIR. Exits 0 when done, 1 when a step is refused
 * (out of order, or too early to retire), 2 on a usage error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { dataDir } from '@finsam/kit/config';
import { rotateSigningKey, signingKeyRing, type RotationStep } from '@finsam/kit/signing-key';

const USAGE = 'Usage: npm run keys -- next | switch | retire | status\n' +
  '  next: publish a new gateway key beside the one in use; switch: sign with it; retire: unpublish the old one (65 s after the switch at the earliest)';
const STEPS: readonly string[] = ['next', 'switch', 'retire'] satisfies RotationStep[];

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput, now = Date.now()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || rest.length > 0 || (command !== 'status' && !STEPS.includes(command))) {
    print.err(`${command === undefined ? 'No command given.' : `Unknown command "${argv.join(' ')}".`}\n${USAGE}`);
    return 2;
  }
  const directory = dataDir(env);
  if (command === 'status') {
    const ring = await signingKeyRing(directory, 'gateway');
    const inUse = (await ring.current()).kid;
    print.out(`gateway signs with ${inUse}; publishes ${ring.published().map((k) => k.kid).join(', ')}`);
    return 0;
  }
  const done = await rotateSigningKey(directory, 'gateway', command as RotationStep, now);
  (done.ok ? print.out : print.err)(done.message);
  return done.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    consoleOutput.err(`npm run keys: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
