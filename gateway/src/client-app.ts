import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CLIENT_DIST } from '@finsam/client/dist';
import { readBody, sendError, sendJson } from '@finsam/kit/http';
import { mintDevToken } from './dev-issuer.ts';

/**
 * The coordinator web client (client/), served at `/` from its build, `@finsam/client/dist` (client/dist)
 * (`npm run build:client`, run by `npm start`). Everything the page loads comes from this
 * origin, and the Content-Security-Policy lets the browser load and connect to nothing else
 * (the OIDC issuer's origin aside, for its discovery document and token endpoint).
 */
export { CLIENT_DIST };

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
const COORDINATOR_ID = /^coordinator-[1-9][0-9]{0,5}$/;
const MAX_SIGN_IN_BODY = 1024;

export function clientContentSecurityPolicy(env: NodeJS.ProcessEnv): string {
  const issuer = env.JWKS_URL && env.OIDC_ISSUER ? originOf(env.OIDC_ISSUER) : null;
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
    `connect-src 'self'${issuer ? ` ${issuer}` : ''}`, "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** What sign-in the page shows: the dev issuer's, or the organisation's OIDC provider's. */
export function clientConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  if (!env.JWKS_URL) return { signIn: 'dev' };
  return { signIn: 'oidc', issuer: env.OIDC_ISSUER ?? '', clientId: env.OIDC_CLIENT_ID ?? '' };
}

/**
 * The routes of the client: `/`, its content-hashed assets, `/client-config.json`, and (only while
 * the dev issuer is on, i.e. JWKS_URL unset) `POST /dev/sign-in`. The routes object is the one the
 * HTTP front looks paths up in at each request: a bundle built after the gateway started is
 * picked up at the next `/`.
 */
export function clientAppRoutes(env: NodeJS.ProcessEnv, dataDir: string, dist = CLIENT_DIST): Record<string, Route> {
  const policy = clientContentSecurityPolicy(env);
  const headers = {
    'content-security-policy': policy, 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff',
  };
  const routes: Record<string, Route> = {};
  const assets = new Set<string>();

  const registerAssets = (): boolean => {
    const directory = path.join(dist, 'assets');
    if (!fs.existsSync(path.join(dist, 'index.html')) || !fs.existsSync(directory)) return false;
    for (const name of fs.readdirSync(directory)) {
      const route = `/assets/${name}`;
      if (assets.has(route) || !TYPES[path.extname(name)]) continue;
      assets.add(route);
      const file = path.join(directory, name);
      routes[route] = async (request, response) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Use GET.' });
        // Named by content hash: a changed file gets a new name, so this one never changes.
        response.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(name)]!, 'cache-control': 'public, max-age=31536000, immutable' });
        response.end(request.method === 'HEAD' ? undefined : await fs.promises.readFile(file));
      };
    }
    return true;
  };

  const page: Route = async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Use GET.' });
    if (!registerAssets()) {
      response.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void response.end('The coordinator client is not built: run npm run build:client (npm start does it).\n');
    }
    response.writeHead(200, { ...headers, 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : await fs.promises.readFile(path.join(dist, 'index.html')));
  };
  routes['/'] = page;
  routes['/index.html'] = page;
  routes['/client-config.json'] = async (_request, response) => {
    response.setHeader('cache-control', 'no-store');
    sendJson(response, 200, clientConfig(env));
  };
  if (!env.JWKS_URL) routes['/dev/sign-in'] = devSignIn(dataDir);
  registerAssets();
  return routes;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The embedded default's sign-in for the client: a coordinator token from the dev issuer, as
 * `npm run token -- --role coordinator --sub coordinator-<n>` would mint. Absent (404) whenever
 * the gateway trusts an external issuer, and refused to any peer but this machine: `npm run
 * token` needs the key file, this needs only the network, and the embedded default may listen on
 * one (HOST=0.0.0.0 in a container).
 */
function devSignIn(dataDir: string): Route {
  return async (request, response) => {
    response.setHeader('cache-control', 'no-store');
    if (!LOOPBACK.test(request.socket?.remoteAddress ?? '')) {
      return sendError(response, { status: 403, code: 'FORBIDDEN', reason: 'DEV_SIGN_IN_LOCAL_ONLY', message: 'The dev sign-in answers only browsers on the gateway\'s own machine; elsewhere set JWKS_URL and sign in with your organisation.' });
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendError(response, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Use POST with {"coordinator":"coordinator-<n>"}.' });
    }
    if (!(request.headers['content-type'] ?? '').includes('application/json')) {
      return sendError(response, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON: {"coordinator":"coordinator-<n>"}.' });
    }
    const body = await readBody(request, MAX_SIGN_IN_BODY);
    let coordinator: unknown;
    try {
      coordinator = body === null ? undefined : (JSON.parse(body) as { coordinator?: unknown })?.coordinator;
    } catch {
      coordinator = undefined;
    }
    if (typeof coordinator !== 'string' || !COORDINATOR_ID.test(coordinator)) {
      return sendError(response, { status: 400, code: 'BAD_USER_INPUT', message: 'coordinator must be coordinator-<n>, e.g. {"coordinator":"coordinator-1"}.' });
    }
    const token = await mintDevToken(dataDir, { sub: coordinator, role: 'coordinator' });
    sendJson(response, 200, { token });
  };
}
