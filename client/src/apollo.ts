import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Kind, type ASTNode } from 'graphql';
// The registered operations (npm run operations): the gateway serves coordinators these alone.
import registered from '@finsam/schema/operations/manifest.json';

const BY_NAME = new Map(registered.operations.map((o) => [o.name, o]));

function operationName(node: ASTNode): string | undefined {
  if (node.kind !== Kind.DOCUMENT) return undefined;
  const definition = node.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return definition?.kind === Kind.OPERATION_DEFINITION ? definition.name?.value : undefined;
}

/**
 * Every operation goes out as a registered one: first by its hash in the manifest of the
 * client's operations alone; with the registered text too when the gateway asks for it
 * (PERSISTED_QUERY_NOT_FOUND), or as plain text when it takes no hashes at all.
 */
const registeredOperation = new PersistedQueryLink({
  generateHash: (document) => {
    const entry = BY_NAME.get(operationName(document) ?? '');
    if (!entry) throw new Error(`Operation ${operationName(document) ?? '(anonymous)'} is not in schema/operations/.`);
    return entry.id;
  },
});

/**
 * An Apollo Client for one signed-in session. The token is read from the caller's memory at each
 * request; nothing is written to storage or cookies, and the cache goes with the client.
 */
export function createClient(token: () => string | null): ApolloClient {
  const http = new HttpLink({
    uri: '/graphql',
    credentials: 'omit',
    print: (node, original) => BY_NAME.get(operationName(node) ?? '')?.body ?? original(node),
  });
  const authorization = new ApolloLink((operation, forward) => {
    const current = token();
    operation.setContext(({ headers }) => ({ headers: { ...headers, ...(current ? { authorization: `Bearer ${current}` } : {}) } }));
    return forward(operation);
  });
  return new ApolloClient({
    link: ApolloLink.from([authorization, registeredOperation, http]),
    // errorPolicy 'all' is set where partial answers are expected (the caseload, the person).
    cache: new InMemoryCache(),
    // Sent as apollographql-client-name: the gateway counts field usage by it (npm run usage).
    clientAwareness: { name: 'finsam-coordinator' },
  });
}
