import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** A document's fragments by name: a Map (fragmentsOf), or graphql's own object of them (`info.fragments`). */
export type Fragments = ReadonlyMap<string, FragmentDefinitionNode> | Readonly<Record<string, FragmentDefinitionNode>>;

export interface SelectedField {
  /** The response key: the alias, else the field's name. */
  key: string;
  node: FieldNode;
  /** The type the field is selected on: the nearest fragment's type condition, else the selection set's own type (null when not given). */
  parentType: string | null;
}

export type TypedSelectedField = SelectedField & { parentType: string };

export const NO_FRAGMENTS: Fragments = new Map();

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
}

const fragmentNamed = (fragments: Fragments, name: string): FragmentDefinitionNode | undefined =>
  fragments instanceof Map ? fragments.get(name) : (fragments as Readonly<Record<string, FragmentDefinitionNode>>)[name];

/**
 * The fields of one selection set, at its own level (not their sub-selections), through inline
 * fragments and fragment spreads, each with the type it is selected on: the one walk of a
 * selection set that the gateway (request audit, error placement, a failed subgraph call's
 * errors, @requires) and the subgraphs (the audit's field paths) make. `enters` says which
 * fragments to go into, by their type condition (undefined for an inline fragment without one):
 * all by default; `() => false` gives the fields written directly in the set. A fragment spread
 * inside itself is not followed again.
 */
export function selectedFields(selectionSet: SelectionSetNode, fragments: Fragments, type: string, enters?: (typeCondition: string | undefined) => boolean): TypedSelectedField[];
export function selectedFields(selectionSet: SelectionSetNode, fragments: Fragments, type?: string | null, enters?: (typeCondition: string | undefined) => boolean): SelectedField[];
export function selectedFields(
  selectionSet: SelectionSetNode, fragments: Fragments, type: string | null = null, enters: (typeCondition: string | undefined) => boolean = () => true,
): SelectedField[] {
  const out: SelectedField[] = [];
  const walk = (set: SelectionSetNode, parentType: string | null, spread: ReadonlySet<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push({ key: s.alias?.value ?? s.name.value, node: s, parentType });
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (enters(s.typeCondition?.name.value)) walk(s.selectionSet, s.typeCondition?.name.value ?? parentType, spread);
      } else if (!spread.has(s.name.value)) {
        const fragment = fragmentNamed(fragments, s.name.value);
        if (fragment && enters(fragment.typeCondition.name.value)) walk(fragment.selectionSet, fragment.typeCondition.name.value, new Set([...spread, s.name.value]));
      }
    }
  };
  walk(selectionSet, type, new Set());
  return out;
}

/** The names of the fields written directly in a selection set (an operation's root fields, a @requires selection's). */
export const directFieldNames = (selectionSet: SelectionSetNode): string[] =>
  selectedFields(selectionSet, NO_FRAGMENTS, null, () => false).map((f) => f.node.name.value);
