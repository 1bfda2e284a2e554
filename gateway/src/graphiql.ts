import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * GraphiQL for analysts' ad hoc queries, in a browser at GET /graphql (Accept: text/html).
 * Everything the page loads comes from this gateway: GraphiQL's and React's browser builds from
 * their npm packages, and our own start script. The Content-Security-Policy tells the browser
 * to load and connect to nothing else, so the page works with no network and sends nothing out.
 */
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** A file of an installed package; the browser builds are not in the packages' "exports". */
const packageFile = (name: string, file: string) => path.join(path.dirname(require.resolve(`${name}/package.json`)), file);

const ASSETS: Record<string, { file: string; type: string }> = {
  '/graphiql/react.production.min.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  '/graphiql/react-dom.production.min.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  '/graphiql/graphiql.min.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  '/graphiql/graphiql.min.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
  '/graphiql/start.js': { file: path.join(here, 'graphiql/start.js'), type: 'text/javascript' },
};

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "font-src 'self' data:",
  "img-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Finsam graph — GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #bar { display: flex; gap: 8px; align-items: center; padding: 6px 12px; border-bottom: 1px solid #ddd; }
  #bar input { flex: 1; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar">
  <label for="token">Bearer token</label>
  <input id="token" type="password" autocomplete="off" placeholder="npm run token -- --role analyst --sub analyst-1">
</div>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/start.js"></script>
</body>
</html>
`;

function send(response: ServerResponse, type: string, body: string | Buffer) {
  response.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  response.end(body);
}

export async function serveGraphiQL(_request: IncomingMessage, response: ServerResponse): Promise<void> {
  send(response, 'text/html', PAGE);
}

/** The page's assets, as routes of the gateway's HTTP front. Read once, on first request. */
export function graphiqlAssetRoutes(): Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void>> {
  const cache = new Map<string, Buffer>();
  return Object.fromEntries(Object.entries(ASSETS).map(([route, asset]) => [route, async (_request: IncomingMessage, response: ServerResponse) => {
    let body = cache.get(route);
    if (!body) cache.set(route, (body = await fs.promises.readFile(asset.file)));
    send(response, asset.type, body);
  }]).concat([['/favicon.ico', async (_request: IncomingMessage, response: ServerResponse) => void response.writeHead(204).end()]]));
}
