/**
 * The ports `npm start` is about to listen on, checked before anything is started or seeded: a
 * second `npm start` beside a running one found the other copy's /ready, printed "Finsam graph is
 * up" and then six EADDRINUSE stack traces. Now it says which ports are taken, by what, and stops.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface Part {
  /** `gateway`, `coordination`, … */
  name: string;
  port: number;
}

export interface TakenPort extends Part {
  /** What answers there: one of the graph's own processes (another `npm start`), or something else. */
  holder: 'finsam' | 'other';
}

/** The parts whose port cannot be listened on at `host`, and what holds each. */
export async function takenPorts(parts: readonly Part[], host: string): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const part of parts) {
    if (await canListen(part.port, host)) continue;
    taken.push({ ...part, holder: (await answersAsFinsam(part.port, host)) ? 'finsam' : 'other' });
  }
  return taken;
}

/** Parts given one port between them (PORT equal to a subgraph's URL's port, say): the second could never listen. */
export function sharedPorts(parts: readonly Part[]): Part[][] {
  const byPort = new Map<number, Part[]>();
  for (const part of parts) byPort.set(part.port, [...(byPort.get(part.port) ?? []), part]);
  return [...byPort.values()].filter((group) => group.length > 1);
}

/** What to print for the ports taken, one line each, and how to go on. */
export function takenPortsMessage(taken: readonly TakenPort[], partsCount: number): string {
  const lines = taken.map((t) => t.holder === 'finsam'
    ? `  port ${t.port} (${t.name}) is in use: another Finsam graph answers there (an npm start already running?)`
    : `  port ${t.port} (${t.name}) is in use by another program`);
  return [
    `npm start: ${taken.length} of the graph's ${partsCount} ports ${taken.length === 1 ? 'is' : 'are'} taken; nothing was started or seeded.`,
    ...lines,
    'Stop what holds them, or move every port at once: FINSAM_BASE_PORT=5000 npm start (the gateway on 5000, the subgraphs on 5001–5005).',
  ].join('\n');
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Whether one of the graph's processes answers there: every process's front (`@finsam/kit/http`)
 * answers `/health` with `{"status":"ok"}` and an `x-request-id` header, over HTTP or (with
 * TLS_CERT_FILE) HTTPS. Read only, certificate unchecked: it decides a message, nothing is sent.
 */
async function answersAsFinsam(port: number, host: string): Promise<boolean> {
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  for (const client of [http, https]) {
    const answer = await new Promise<{ status: number; requestId: unknown; body: string } | null>((resolve) => {
      const request = client.get({ host: target, port, path: '/health', timeout: 2_000, rejectUnauthorized: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => { if (body.length < 1_000) body += chunk; });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, requestId: response.headers['x-request-id'], body }));
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(null));
    });
    if (!answer) continue;
    try {
      return answer.status === 200 && typeof answer.requestId === 'string' && (JSON.parse(answer.body) as { status?: unknown }).status === 'ok';
    } catch {
      return false;
    }
  }
  return false;
}
