/**
 * The trace receiver `npm run bench` exports the graph's spans to, in a process of its own so that
 * reading them costs neither the load generator nor the measured processes: the test suites' OTLP/HTTP
 * receiver (test/support/otlp-receiver.ts), forgetting what it got each second so that a long run
 * holds no more than a second of spans. It prints its URL on its first line, and the spans it has
 * received on SIGTERM.
 */
import { startOtlpReceiver } from '../support/otlp-receiver.ts';

const receiver = await startOtlpReceiver();
let received = 0;
const forget = () => {
  received += receiver.spans.length;
  receiver.spans.length = 0;
  receiver.raw.length = 0;
  receiver.requests.length = 0;
};
setInterval(forget, 1000).unref();
process.stdout.write(`${receiver.url}\n`);
process.on('SIGTERM', () => {
  forget();
  process.stdout.write(`spans received: ${received}\n`);
  void receiver.close().then(() => process.exit(0));
});
