import { afterAll, describe, expect, it } from 'vitest';
import { readManifest, requestByHash } from '@finsam/gateway/registered-operations';
import { startParts } from '../../support/parts.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.ts';

/** The variables that would turn tracing on, none of which the graph's processes get here. */
const withoutOtel = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('OTEL_')).map((name) => [name, undefined]));

describe('traces off without the OTEL variables', () => {
  let receiver: OtlpReceiver | null = null;
  afterAll(() => receiver?.close());

  it('registers no tracer provider in any process and sends nothing, not even to the exporter\'s default address', async () => {
    // The OTLP exporter's default address (localhost:4318), watched when this machine has it free.
    receiver = await startOtlpReceiver(4318).catch(() => null);
    // Coordination and the gateway: every part sets tracing up through the same call (startSubgraph, buildGateway).
    const graph = await startParts({ subgraphs: ['coordination'], env: { ...withoutOtel, LOG_LEVEL: 'info', SUBGRAPH_TIMEOUT_MS: '20000' } });
    let said: Record<string, (string | undefined)[]>;
    try {
      const token = await graph.token();
      const operation = readManifest().operations.find((o) => o.name === 'Caseload')!;
      const caseload = await graph.post(token, requestByHash(operation, { first: 20, signals: false }));
      expect(caseload.status).toBe(200);
      expect(caseload.body.errors).toBeUndefined();
      await graph.stopAll();
      said = Object.fromEntries((['gateway', 'coordination'] as const).map((name) => [name,
        graph.output(name).split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { msg?: string }).msg)]));
    } finally {
      await graph.close();
    }
    // Each process said at start that it traces nothing (tracing.ts registers no provider then).
    for (const [name, messages] of Object.entries(said)) {
      expect(messages, name).toContain('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)');
      expect(messages.filter((msg) => msg?.startsWith('tracing on')), name).toEqual([]);
    }
    expect(receiver?.requests ?? []).toEqual([]);
  }, 300_000);
});
