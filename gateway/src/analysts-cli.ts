/**
 * `npm run analysts -- add <user id> [--name <name>] | remove <user id> | list`: the förbund's
 * list of analysts the gateway serves (known-analysts.ts, docs/analysts.md). The user id is the
 * `sub` of the analyst's tokens. Works on the gateway's store where the gateway keeps it:
 * PostgreSQL at GATEWAY_DATABASE_URL (or DATABASE_URL), else `gateway.sqlite` in DATA_DIR; a
 * store not there yet is created, so the list can be made before the gateway first starts.
 * A running gateway sees a change within KNOWN_ANALYSTS_MAX_AGE_MS (5 s). Exits 0 when done,
 * 1 when asked to remove someone not on the list, 2 on a usage error.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { dataDir } from '@finsam/kit/config';
import { createLogger } from '@finsam/kit/logger';
import { AuditLog } from '@finsam/kit/audit';
import {
  addKnownAnalystIn, analystListRecord, knownAnalystDb, listKnownAnalysts, openGatewayStore, removeKnownAnalyst, type KnownAnalystDb,
} from './known-analysts.ts';

const USAGE = 'Usage: npm run analysts -- add <user id> [--name <name>] | remove <user id> | list\n' +
  '  <user id> is the sub of the analyst\'s tokens; the store is the gateway\'s (GATEWAY_DATABASE_URL, else DATA_DIR)';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' } } });
  } catch (error) {
    print.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, sub, ...rest] = parsed.positionals;
  const name = parsed.values.name?.trim() || null;
  const wants = { add: 1, remove: 1, list: 0 } as const;
  if (command === undefined || !Object.hasOwn(wants, command)) {
    print.err(`${command === undefined ? 'No command given.' : `Unknown command "${command}".`}\n${USAGE}`);
    return 2;
  }
  const arity = wants[command as keyof typeof wants];
  if ((arity === 1 && (sub === undefined || sub.trim() === '')) || rest.length > 0 || (arity === 0 && sub !== undefined)) {
    print.err(`${command} takes ${arity === 1 ? 'one user id' : 'no user id'}.\n${USAGE}`);
    return 2;
  }
  if (sub !== undefined && sub !== sub.trim()) {
    // A token's sub never matches a padded copy: such a row would look right in the list and let nobody in.
    print.err(`The user id "${sub}" begins or ends with a space; give the token's sub exactly.\n${USAGE}`);
    return 2;
  }
  if (name !== null && command !== 'add') {
    print.err(`--name goes with add only.\n${USAGE}`);
    return 2;
  }

  // Warnings only, to stderr: the store's migration lines would mix into the list.
  const store = await openGatewayStore(env, dataDir(env), createLogger('analysts', { level: 'warn', destination: { write: (line) => print.err(line.trimEnd()) } }));
  const db = knownAnalystDb(store.db);
  const audit = new AuditLog(store.auditDb, store.dialect, store.auditWriter);
  // The list has no sign-in of its own: the actor is the operating-system account that ran the command.
  const actor = { actorId: os.userInfo().username, role: 'administrator', purpose: 'ANALYST_LIST', requestId: `analysts-${randomUUID()}` };
  try {
    switch (command) {
      case 'add': {
        const result = await audit.changeWithRecords<KnownAnalystDb, 'added' | 'already known'>(actor, (trx) => addKnownAnalystIn(trx, sub!, name), (r) => (r === 'added' ? [analystListRecord(sub!, 'ANALYST_ADDED')] : []));
        print.out(result === 'added' ? `${sub} is on the list of analysts.` : `${sub} was on the list of analysts already.`);
        return 0;
      }
      case 'remove': {
        if (!(await audit.changeWithRecords<KnownAnalystDb, boolean>(actor, (trx) => removeKnownAnalyst(trx, sub!), (removed) => (removed ? [analystListRecord(sub!, 'ANALYST_REMOVED')] : [])))) {
          print.err(`${sub} is not on the list of analysts; nothing removed. npm run analysts -- list shows who is.`);
          return 1;
        }
        print.out(`${sub} is off the list of analysts: a running gateway refuses their tokens within its KNOWN_ANALYSTS_MAX_AGE_MS (5 s unless set).`);
        return 0;
      }
      default: {
        const analysts = await listKnownAnalysts(db);
        if (analysts.length === 0) print.out('No analysts are on the list: the gateway serves no analyst token.');
        for (const analyst of analysts) print.out([analyst.sub, analyst.name ?? '-', `added ${analyst.addedAt}`].join('\t'));
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    consoleOutput.err(`npm run analysts: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
