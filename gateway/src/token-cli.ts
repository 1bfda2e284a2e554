/**
 * `npm run token -- --role coordinator [--sub coordinator-2] [--purpose COORDINATION] [--expires 8h]`
 * Mints a token from the embedded dev issuer. The token is alone on the last line of output.
 */
import { parseArgs } from 'node:util';
import { ROLES, isRole } from '../../subgraphs/shared/src/caller.ts';
import { dataDir } from '../../subgraphs/shared/src/config.ts';
import { mintDevToken } from './dev-issuer.ts';

const usage = `Usage: npm run token -- --role <${ROLES.join('|')}> [--sub coordinator-1] [--purpose TEXT] [--expires 8h]`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string', default: 'coordinator' },
      sub: { type: 'string', default: 'coordinator-1' },
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
const token = await mintDevToken(dataDir(), { sub: values.sub, role: values.role, purpose: values.purpose, expiresIn: values.expires });
console.log(`# ${values.role} token for ${values.sub}, valid ${values.expires}; send it as: Authorization: Bearer <token>`);
console.log(token);
