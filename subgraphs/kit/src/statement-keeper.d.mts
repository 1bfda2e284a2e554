/** Types of statement-keeper.mjs (plain JavaScript, for the writer thread). */
export function statementKeeper<S>(db: { prepare(sql: string): S }, options?: { longestKept?: number; most?: number }): {
  statementFor(sql: string): S;
  readonly size: number;
};
