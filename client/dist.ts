/** The client's build (`npm run build:client`, `tsx build.ts` here), which the gateway serves at `/`: exported as `@finsam/client/dist`. */
import { fileURLToPath } from 'node:url';

export const CLIENT_DIST = fileURLToPath(new URL('./dist', import.meta.url));
