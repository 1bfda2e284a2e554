// Which prepared statements a SQLite connection keeps: the writer thread's and each store's own
// connection (database.ts withKeptStatements). Plain JavaScript, so that the writer thread loads
// it the same under node, tsx and vitest.
//
// A prepared statement holds its compiled program in native memory, growing with its text: an
// INSERT of 150 audit records is a program of 150 rows of values. Kept by text, every batch size
// was a statement of its own, and the writer threads of a busy store held tens of MB (the soak,
// docs/performance.md). Short texts (the common, small batches) are kept, at most `most` of
// them; a long one is prepared for its write and let go.

/** @param {{ prepare(sql: string): unknown }} db */
export function statementKeeper(db, { longestKept = 1024, most = 100 } = {}) {
  const kept = new Map();
  return {
    /** @param {string} sql */
    statementFor(sql) {
      if (sql.length > longestKept) return db.prepare(sql);
      let statement = kept.get(sql);
      if (!statement) {
        if (kept.size >= most) kept.delete(kept.keys().next().value);
        statement = db.prepare(sql);
        kept.set(sql, statement);
      }
      return statement;
    },
    get size() {
      return kept.size;
    },
  };
}
