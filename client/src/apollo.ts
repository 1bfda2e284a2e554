import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { Kind, type ASTNode } from 'graphql';
import registered from './gql/registered-operations.json';

const BY_NAME = new Map(registered.operations.map((o) => [o.name, o]));

function operationName(node: ASTNode): string | undefined {
  if (node.kind !== Kind.DOCUMENT) return undefined;
  const definition = node.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return definition?.kind === Kind.OPERATION_DEFINITION ? definition.name?.value : undefined;
}

/**
 * Every operation goes out as a registered one: its hash from the manifest of the client's
 * operations, and the registered text itself (the gateway serves coordinators nothing else).
 */
const registeredOperation = new ApolloLink((operation, forward) => {
  const entry = operation.operationName ? BY_NAME.get(operation.operationName) : undefined;
  if (entry) operation.extensions = { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: entry.id } };
  return forward(operation);
});

/**
 * An Apollo Client for one signed-in session. The token is read from the caller's memory at each
 * request; nothing is written to storage or cookies, and the cache goes with the client.
 */
export function createClient(token: () => string | null): ApolloClient {
  const http = new HttpLink({
    uri: '/graphql',
    credentials: 'omit',
    includeExtensions: true,
    print: (node, original) => BY_NAME.get(operationName(node) ?? '')?.body ?? original(node),
  });
  const authorization = new ApolloLink((operation, forward) => {
    const current = token();
    operation.setContext(({ headers }) => ({ headers: { ...headers, ...(current ? { authorization: `Bearer ${current}` } : {}) } }));
    return forward(operation);
  });
  return new ApolloClient({
    link: ApolloLink.from([registeredOperation, authorization, http]),
    // errorPolicy 'all' is set where partial answers are expected (the caseload, the person).
    cache: new InMemoryCache(),
  });
}
