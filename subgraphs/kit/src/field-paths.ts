import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { selectedFields } from './selection.ts';

/**
 * The leaf fields asked for under the current field, as dotted paths (`cases.status`): what the
 * audit log records as "which fields". Fragments are followed; __typename is not data.
 */
export function selectedFieldPaths(info: GraphQLResolveInfo, prefix = info.fieldName): string[] {
  const paths = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, path: string, depth: number) => {
    if (depth > 10) return;
    for (const { node } of selectedFields(selectionSet, info.fragments)) {
      if (node.name.value === '__typename') continue;
      const next = `${path}.${node.name.value}`;
      if (node.selectionSet) walk(node.selectionSet, next, depth + 1);
      else paths.add(next);
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) if (node.selectionSet) walk(node.selectionSet, prefix, 0);
  return paths.size > 0 ? [...paths].sort() : [prefix];
}
