import type { Agency } from '@finsam/kit/agencies';
import { auditCheck } from './audit.ts';
import { basisSignedCheck } from './basis-signed.ts';
import { caseloadCheck } from './caseload.ts';
import type { Check, ConformanceRun, Verdict } from './check.ts';
import { compositionCheck } from './composition.ts';
import { consentCheck } from './consent.ts';
import { Implementation, sectorNamed, type DeploymentKeys } from './implementation.ts';
import { releaseCheck } from './release.ts';
import { revocationCheck } from './revocation.ts';
import { tokenCheck } from './token.ts';

/**
 * The checks of a sector, in the order they are reported. The audit check is reported fifth
 * but runs last, so that it looks up every access the others made, the revocation's too.
 */
export function checksOf(name: string): Check[] {
  return name === 'coordination'
    ? [tokenCheck, compositionCheck, caseloadCheck, basisSignedCheck, auditCheck]
    : [tokenCheck, compositionCheck, consentCheck, releaseCheck, auditCheck, revocationCheck];
}

export interface ConformanceOptions {
  sector: string;
  /** For a subgraph outside the served five: the agency whose basis it releases under. */
  agency?: Agency;
  url: string;
  keys: DeploymentKeys;
  person: string;
  otherPerson: string;
  user: string;
  /** Where TLS_CA_FILE is read (the process's environment unless given). */
  env?: NodeJS.ProcessEnv;
}

export interface CheckResult extends Verdict {
  name: string;
  title: string;
}

/** Runs a sector's checks against the implementation at the URL. Throws Unreachable when nothing answers there. */
export async function runConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const run: ConformanceRun = {
    implementation: new Implementation(options.url, sectorNamed(options.sector, options.agency), options.keys, options.env),
    person: options.person, otherPerson: options.otherPerson, user: options.user, accesses: [],
  };
  const checks = checksOf(options.sector);
  const verdicts = new Map<Check, Verdict>();
  for (const check of [...checks.filter((c) => c !== auditCheck), auditCheck]) verdicts.set(check, await check.run(run));
  return checks.map((check) => ({ name: check.name, title: check.title, ...verdicts.get(check)! }));
}
