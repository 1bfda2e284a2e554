/**
 * `npm run token -- --role coordinator [--sub coordinator-2] [--purpose COORDINATION] [--expires 8h]`
 * Mints a token from the embedded dev issuer, whose key is in DATA_DIR (the repository's `.data`
 * unless set). Without --sub the user is the role's first fixture user (`analyst-1`, …). The
 * token is alone on the last line of output; the line before says whose it is and which DATA_DIR.
 * The gateway's rules hold here too (token-rules.ts): a purpose of the role, at most 12 h.
 */
import { parseArgs } from 'node:util';
import { PURPOSES_BY_ROLE, ROLES, isRole } from '@finsam/kit/caller';
import { dataDir } from '@finsam/kit/config';
import { mintDevToken } from './dev-issuer.ts';

const purposes = ROLES.map((role) => `${role}: ${PURPOSES_BY_ROLE[role].join('|')}`).join('; ');
const usage = `Usage: npm run token -- --role <${ROLES.join('|')}> [--sub <user id>, default <role>-1] [--purpose PURPOSE] [--expires 8h]\n` +
  `  purposes by role (the first is the default): ${purposes}; --expires at most 12h`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string', default: 'coordinator' },
      sub: { type: 'string' },
      purpose: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (!isRole(values.role)) {
  console.error(`Unknown role "${values.role}".\n${usage}`);
  process.exit(2);
}
if (process.env.JWKS_URL) {
  console.error('JWKS_URL is set: the gateway trusts an external issuer, so dev tokens would be refused. Get a token from that issuer.');
  process.exit(2);
}
// A token for another role's user would be refused, or worse read as that user: each role has its own default.
const sub = values.sub ?? `${values.role}-1`;
const directory = dataDir();
let token;
try {
  token = await mintDevToken(directory, { sub, role: values.role, purpose: values.purpose, expiresIn: values.expires });
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
console.log(`# ${values.role} token for ${sub}${values.sub ? '' : ' (the default --sub for the role)'}, valid ${values.expires}, from the dev issuer key in DATA_DIR=${directory}; send it as: Authorization: Bearer <token>`);
console.log(token);
