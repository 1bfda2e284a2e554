import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The leaf fields asked for under the current field, as dotted paths (`cases.status`): what the
 * audit log records as "which fields". Fragments are followed; __typename is not data.
 */
export function selectedFieldPaths(info: GraphQLResolveInfo, prefix = info.fieldName): string[] {
  const paths = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined, path: string, depth: number) => {
    if (!selectionSet || depth > 10) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        const next = `${path}.${selection.name.value}`;
        if (selection.selectionSet) walk(selection.selectionSet, next, depth + 1);
        else paths.add(next);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, path, depth + 1);
      } else {
        walk(info.fragments[selection.name.value]?.selectionSet, path, depth + 1);
      }
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) walk(node.selectionSet, prefix, 0);
  return paths.size > 0 ? [...paths].sort() : [prefix];
}
