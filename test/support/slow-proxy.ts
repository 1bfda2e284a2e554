import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { listen } from '@finsam/kit/http';
import { testCertificates } from '@finsam/devkit/testing/tls-certificates';

/**
 * A loopback HTTP proxy in front of a real subgraph that waits for `beforeForwarding` before
 * passing each request on: a slow or held agency system, for timeout and concurrency tests.
 * Plain HTTP towards the gateway; a TLS subgraph (startGraph with tls) is reached over HTTPS
 * trusting the test CA.
 */
export async function proxy(targetUrl: string, beforeForwarding: () => Promise<void>) {
  const target = new URL(targetUrl);
  return listen(async (request, response) => {
    const body: Buffer[] = [];
    for await (const chunk of request) body.push(chunk as Buffer);
    await beforeForwarding();
    const options = { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers };
    const forward = (answer: http.IncomingMessage) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    };
    const upstream = target.protocol === 'https:'
      ? https.request({ ...options, ca: fs.readFileSync(testCertificates().graph.caFile) }, forward)
      : http.request(options, forward);
    upstream.on('error', () => { if (!response.headersSent) response.writeHead(502); response.end(); });
    upstream.end(Buffer.concat(body));
  }, 0, '127.0.0.1');
}

/** A proxy that holds each request for `delayMs`. */
export function slowProxy(targetUrl: string, delayMs: number) {
  return proxy(targetUrl, () => new Promise((resolve) => setTimeout(resolve, delayMs)));
}
