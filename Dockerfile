# One image for the gateway and every subgraph; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
# better-sqlite3 (the embedded default) builds from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The kit, the subgraphs, the gateway, the schema and the client are npm workspaces: npm ci
# links them by name, so their package.json files (here with their sources) must be in place first.
COPY subgraphs subgraphs
COPY gateway gateway
COPY schema schema
COPY client client
RUN npm ci --omit=dev
COPY tsconfig.json ./
# The coordinator client the gateway serves at /: bundled here from the committed sources and
# operation types (codegen is a development dependency; client/build.ts bundles without it).
RUN npm run build:client
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true DATA_DIR=/data
# Each process keeps its keys (and, on the embedded default, its stores) here, private to the user it runs as.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["npm", "run", "start:gateway"]
