import http from 'node:http';
import { listen } from '../../subgraphs/shared/src/http.ts';

/**
 * A loopback HTTP proxy that holds each request for `delayMs` before passing it to the real
 * subgraph: a slow agency system, for timeout tests. The subgraph itself is the real one.
 */
export async function slowProxy(targetUrl: string, delayMs: number) {
  const target = new URL(targetUrl);
  return listen(async (request, response) => {
    const body: Buffer[] = [];
    for await (const chunk of request) body.push(chunk as Buffer);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const upstream = http.request({ host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => { if (!response.headersSent) response.writeHead(502); response.end(); });
    upstream.end(Buffer.concat(body));
  }, 0, '127.0.0.1');
}
