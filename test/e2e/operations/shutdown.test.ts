import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, todayIso } from '@finsam/kit/dates';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { freePort } from '../../support/free-port.ts';

const root = path.join(import.meta.dirname, '../../..');


/** A real subgraph process, stopped with SIGTERM while requests are in flight (embedded default only). */
describe.skipIf(process.env.FINSAM_TEST_DATABASE === 'postgres')('graceful shutdown', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-shutdown-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('drains requests in flight, and keeps an acknowledged consent and its audit record', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/coordination/src/main.ts'], {
      cwd: root, env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), SEED_PERSONS: '100', LOG_LEVEL: 'warn' }, stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && !(await fetch(`${url}/ready`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

    const key = await loadOrCreateGatewayKey(dataDir);
    const call = async (query: string, variables: Record<string, unknown> = {}) => {
      const token = await signGatewayToken(key, { actorId: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' }, 'coordination');
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      return { status: response.status, body: await response.json() };
    };
    const recorded = await call('mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { formReference } } }', {
      i: { personnummer: FIXTURE_PERSONS.lacksCare, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: 'SHUTDOWN-1' },
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.errors).toBeUndefined();

    let signalledAt = Infinity;
    const inFlight = Array.from({ length: 40 }, () =>
      call('{ me { caseload(first: 40) { totalCount nodes { personnummer consents { agency } participations { registeredIn } } } } }')
        .then((answer) => ({ ...answer, at: performance.now() })));
    // Signal once the server is visibly busy: the first answer is back, the others are being worked on.
    await Promise.race(inFlight);
    child.kill('SIGTERM');
    signalledAt = performance.now();
    const answers = await Promise.allSettled(inFlight);
    expect(await exited).toBe(0);
    // Every request the server had accepted was answered whole; none was cut off.
    const answered = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const answer of answered) {
      expect(answer.status).toBe(200);
      expect(answer.body.data.me.caseload.totalCount).toBe(40);
    }
    expect(answered.filter((a) => a.at > signalledAt).length, 'answers completed after SIGTERM').toBeGreaterThan(0);

    const db = new Database(path.join(dataDir, 'coordination.sqlite'), { readonly: true });
    const consent = db.prepare("SELECT agency FROM consent WHERE form_reference = 'SHUTDOWN-1'").all();
    const audit = db.prepare("SELECT decision FROM audit_log WHERE personnummer = ? AND decision = 'RECORDED'").all(FIXTURE_PERSONS.lacksCare);
    db.close();
    expect(consent).toEqual([{ agency: 'CARE' }]);
    expect(audit).toHaveLength(1);
  });
});
