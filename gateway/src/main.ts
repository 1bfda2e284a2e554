import { gatewayPort, listenHost } from '@finsam/kit/config';
import { listenOrExit } from '@finsam/kit/http';
import { buildGateway } from './gateway.ts';

const gateway = await buildGateway({ tracing: true });
const server = await listenOrExit('gateway', gateway.handler, gatewayPort(), listenHost());
gateway.logger.info({ url: `${server.url}/graphql`, subgraphs: gateway.urls }, 'gateway listening');
// The first exchange of audit chain heads, now that subgraphs can fetch the key it is signed with.
await gateway.checkpointAuditChains();

const shutdown = async (signal: string) => {
  gateway.logger.info({ signal }, 'shutting down');
  await server.close();
  await gateway.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
