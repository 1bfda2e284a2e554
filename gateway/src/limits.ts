import { Lexer, Source, TokenKind } from 'graphql';
import { MAX_OPERATION_TOKENS } from '@finsam/kit/operations';

/**
 * Limits on what one operation may ask, so that an ad hoc query cannot starve the agencies'
 * systems. The cost is GraphQL Armor's (2 per object, 1 per scalar, ×1.5 per level of depth).
 * Measured on the documented operations: Caseload 29, PersonOverview 42, the widest caseload
 * page a coordinator client can ask (every sector field, test/e2e/coordinator/batching) 858, and the analyst
 * operations 77 (FollowUpByIntervention) to at most 274 (CohortAcrossSectors before issue 20 narrowed its signals).
 *
 * Analysts write ad hoc queries, so their limit is tight: 700 admits each analyst operation with
 * room (2.5× the heaviest) and refuses every one of them asked ten times over (770 and up). The
 * other roles' clients send known operations; their limit, 5000, is what keeps a hostile token
 * holder out. Depth, aliases and tokens are set well above the same operations.
 * Enforced by the plugins use-armor, use-token-limit and use-analyst-cost-limit (plugins/).
 */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 5000,
  maxAnalystCost: 700,
  maxTokens: MAX_OPERATION_TOKENS,
  maxDirectives: 20,
} as const;

// Introspection is answered for analysts only (plugins/use-introspection-for-analysts.ts) and is
// bounded by the token limit; the query GraphiQL sends to load the schema is 15 deep and costs
// 15,500, so depth and cost skip it.
export const COST_RULE = { ignoreIntrospection: true, flattenFragments: true } as const;

/** True when `source` has more than `limit` tokens; a text the lexer cannot read is the parser's to refuse. */
export function exceedsTokenLimit(source: string, limit: number): boolean {
  const lexer = new Lexer(new Source(source));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF;) if (++count > limit) return true;
  } catch {
    return false;
  }
  return false;
}
