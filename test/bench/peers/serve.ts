/**
 * One peer gateway in its own process, for `npm run bench` (test/bench/peer-paths.ts starts it):
 * `tsx test/bench/peers/serve.ts stock|hive|hive-rust`, with PORT, DATA_DIR and the subgraphs'
 * `<NAME>_URL` as our gateway gets them. Each serves the committed supergraph at /graphql with
 * the glue of glue.ts and otherwise its defaults, usage reporting off:
 * - stock: Apollo Server with @apollo/gateway and its RemoteGraphQLDataSource;
 * - hive: Hive Gateway's runtime (its JavaScript query planner);
 * - hive-rust: the same with Hive's Rust query planner (@graphql-hive/router-runtime).
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { SUBGRAPH_NAMES, dataDir, intFromEnv, subgraphUrl } from '@finsam/kit/config';
import { createGlue, supergraphSdl, type PeerUser } from './glue.ts';

const KIND = process.argv[2];
const PORT = intFromEnv('PORT', 0);
const sdl = supergraphSdl(createRequire(import.meta.url).resolve('@finsam/schema/supergraph.graphql'));
const glue = await createGlue(dataDir(process.env));
const unauthenticated = JSON.stringify({ errors: [{ message: 'A valid bearer token is required.', extensions: { code: 'UNAUTHENTICATED' } }] });

async function stock() {
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const { ApolloServerPluginUsageReportingDisabled } = await import('@apollo/server/plugin/disabled');
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const { GraphQLError } = await import('graphql');
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name, url }) => new RemoteGraphQLDataSource<{ user: PeerUser }>({
      url,
      async willSendRequest({ request, context }) {
        for (const [header, value] of Object.entries(await glue.headersFor(context.user, name))) request.http!.headers.set(header, value);
      },
    }),
  });
  const server = new ApolloServer<{ user: PeerUser }>({ gateway, plugins: [ApolloServerPluginUsageReportingDisabled()], includeStacktraceInErrorResponses: false });
  await startStandaloneServer(server, {
    listen: { port: PORT, host: '127.0.0.1' },
    async context({ req }) {
      const user = await glue.verify(req.headers.authorization);
      if (!user) throw new GraphQLError('A valid bearer token is required.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      return { user };
    },
  });
}

async function hive(rust: boolean) {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway-runtime');
  const handler = rust ? (await import('@graphql-hive/router-runtime')).unifiedGraphHandler : undefined;
  const users = new WeakMap<Request, PeerUser>();
  // onFetch is told the URL it fetches, not the subgraph: each subgraph is at its own.
  const subgraphAt = new Map(SUBGRAPH_NAMES.map((name) => [subgraphUrl(name), name]));
  const gateway = createGatewayRuntime({
    supergraph: sdl,
    logging: 'warn',
    // The glue sets x-request-id itself, as it does for the stock gateway.
    requestId: false,
    landingPage: false,
    graphiql: false,
    ...(handler ? { unifiedGraphHandler: handler } : {}),
    plugins: () => [{
      async onRequest({ request, endResponse, fetchAPI }: { request: Request; endResponse: (response: Response) => void; fetchAPI: { Response: typeof Response } }) {
        const user = await glue.verify(request.headers.get('authorization'));
        if (!user) return endResponse(new fetchAPI.Response(unauthenticated, { status: 401, headers: { 'content-type': 'application/json' } }));
        users.set(request, user);
      },
      async onFetch({ url, context, options, setOptions }) {
        const user = 'request' in context ? users.get(context.request) : undefined;
        const subgraph = subgraphAt.get(url);
        if (!user || !subgraph) return;
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...(await glue.headersFor(user, subgraph)) } });
      },
    }],
  });
  await new Promise<void>((resolve) => http.createServer(gateway).listen(PORT, '127.0.0.1', resolve));
}

if (KIND === 'stock') await stock();
else if (KIND === 'hive' || KIND === 'hive-rust') await hive(KIND === 'hive-rust');
else {
  console.error('Usage: tsx test/bench/peers/serve.ts stock|hive|hive-rust');
  process.exit(2);
}
