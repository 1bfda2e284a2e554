import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@finsam/kit/logger';
import { DEV_ANALYSTS } from '../src/dev-issuer.ts';
import { AuditLog } from '@finsam/kit/audit';
import { KnownAnalysts, addKnownAnalyst, knownAnalystDb, listKnownAnalysts, openGatewayStore, removeKnownAnalyst, retireDevAnalysts, seedDevAnalysts } from '../src/known-analysts.ts';

const logger = createLogger('known-analysts-test', { level: 'silent' });
const opened: { close(): Promise<void>; dir: string }[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) {
    await store.close();
    fs.rmSync(store.dir, { recursive: true, force: true });
  }
});

async function list() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-known-analysts-'));
  let statements = 0;
  const store = await openGatewayStore({}, dir, logger, () => { statements += 1; });
  opened.push({ close: () => store.close(), dir });
  return { db: knownAnalystDb(store.db), statements: () => statements };
}

describe('the förbund\'s list of analysts', () => {
  it('holds a removal from at most maxAgeMs later, and reads the store once per interval however many subs ask', async () => {
    const { db, statements } = await list();
    await addKnownAnalyst(db, 'analyst-x', null);
    let now = 0;
    const analysts = new KnownAnalysts(db, 5000, () => now);
    expect(await analysts.isKnown('analyst-x')).toBe(true);
    const before = statements();
    // A flood of unknown subs within the interval costs the store nothing more.
    for (let i = 0; i < 50; i++) expect(await analysts.isKnown(`stranger-${i}`)).toBe(false);
    expect(statements()).toBe(before);

    await removeKnownAnalyst(db, 'analyst-x');
    now = 4999;
    expect(await analysts.isKnown('analyst-x')).toBe(true);
    now = 5000;
    expect(await analysts.isKnown('analyst-x')).toBe(false);
  });

  it('takes the fixture analysts off a list once the gateway trusts a real issuer, on record, but keeps one the administrator added with a name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-known-analysts-'));
    const store = await openGatewayStore({}, dir, logger);
    opened.push({ close: () => store.close(), dir });
    const db = knownAnalystDb(store.db);
    await seedDevAnalysts(db, DEV_ANALYSTS);
    expect(await addKnownAnalyst(db, 'analyst-3', 'Anna Lind')).toBe('already known');
    const audit = new AuditLog(store.auditDb, store.dialect, store.auditWriter);
    expect(await retireDevAnalysts(audit, DEV_ANALYSTS)).toEqual(['analyst-1', 'analyst-2']);
    expect((await listKnownAnalysts(db)).map((a) => a.sub)).toEqual(['analyst-3']);
    const records = await store.db.selectFrom('audit_log').select(['fields', 'reason', 'decision', 'actor']).orderBy('seq').execute();
    expect(records).toEqual(['analyst-1', 'analyst-2'].map((sub) => ({ fields: JSON.stringify([`knownAnalyst.${sub}`]), reason: 'FIXTURE_ANALYST_RETIRED', decision: 'REVOKED', actor: 'gateway' })));
    // Nothing more to retire at the next start.
    expect(await retireDevAnalysts(audit, DEV_ANALYSTS)).toEqual([]);
  });

  it('keeps a fixture analyst removed from a dev store removed when the gateway starts again', async () => {
    const { db } = await list();
    await seedDevAnalysts(db, DEV_ANALYSTS);
    expect((await listKnownAnalysts(db)).map((a) => a.sub)).toEqual([...DEV_ANALYSTS]);
    expect(await removeKnownAnalyst(db, 'analyst-2')).toBe(true);
    await seedDevAnalysts(db, DEV_ANALYSTS);
    expect((await listKnownAnalysts(db)).map((a) => a.sub)).toEqual(['analyst-1', 'analyst-3']);
    // Added back by the administrator, with a name.
    expect(await addKnownAnalyst(db, 'analyst-2', 'Second Analyst')).toBe('added');
    expect(await listKnownAnalysts(db)).toContainEqual(expect.objectContaining({ sub: 'analyst-2', name: 'Second Analyst' }));
  });
});
