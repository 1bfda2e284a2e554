import { dataDir, environmentVariableNames } from '@finsam/kit/config';

/** Variables whose value is a secret (a token, a database password in a URL): named, never printed. */
const SECRET = /^METRICS_TOKEN$|DATABASE_URL$/;

/** `NAME=value` quoted for a POSIX shell. */
const assignment = (name: string, value: string) => `${name}=${/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`;

/**
 * The command that starts one part of the graph again as `npm start` started it: from the
 * repository, on the same port, with DATA_DIR written out and every other variable of the
 * configuration that `npm start` was given (SEED, the subgraphs' URLs, TLS files, …). Without
 * them a restarted subgraph seeded a second database, or trusted another key, and the gateway
 * was answered with 401. Secrets are not printed: the command says which to set as before.
 */
export function restartCommand(part: string, port: number, root: string, env: NodeJS.ProcessEnv): string {
  const given = environmentVariableNames().filter((name) => name !== 'PORT' && name !== 'DATA_DIR' && env[name] !== undefined && env[name] !== '');
  const secrets = given.filter((name) => SECRET.test(name));
  const settings = [
    assignment('DATA_DIR', dataDir(env)),
    ...given.filter((name) => !SECRET.test(name)).map((name) => assignment(name, env[name]!)),
    `PORT=${port}`,
  ];
  const start = part === 'gateway' ? 'npm run start:gateway' : `npm run start:subgraph -- ${part}`;
  const command = `cd ${assignment('x', root).slice(2)} && ${settings.join(' ')} ${start}`;
  return secrets.length === 0 ? command : `${command}  (with ${secrets.join(', ')} set as for npm start)`;
}
