import type { Implementation } from './implementation.ts';

/** One access the kit made that the implementation must have logged against the person. */
export interface ExpectedAccess {
  check: string;
  /** What was tried, in words (`a basis for another agency`). */
  what: string;
  requestId: string;
  decision: 'RELEASED' | 'REFUSED';
  /** The refusal's reason; null for a release. */
  reason: string | null;
}

export interface ConformanceRun {
  implementation: Implementation;
  /** The person the checks read: in the test deployment's population, with data in the sector. */
  person: string;
  /** Another person of the population, for a basis made out to someone else. */
  otherPerson: string;
  /** The coordinator whose caseload holds the person (coordination checks the caseload). */
  user: string;
  /** Filled by the checks that access the person; the audit check looks each one up. */
  accesses: ExpectedAccess[];
}

export interface Verdict {
  passed: boolean;
  detail: string;
}

export interface Check {
  /** The name a line of output and the docs give it. */
  name: string;
  /** What it proves, in one line. */
  title: string;
  run(run: ConformanceRun): Promise<Verdict>;
}

export const pass = (detail: string): Verdict => ({ passed: true, detail });
export const fail = (detail: string): Verdict => ({ passed: false, detail });

/** Several findings in one verdict: a pass names what held, a failure what did not. */
export function verdictOf(failures: string[], held: string): Verdict {
  return failures.length === 0 ? pass(held) : fail(failures.join('; '));
}
