import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh, empty database for one store on a PostgreSQL server (its admin URL), for a test graph's
 * in-process stores (graph.ts) or its processes (parts.ts). `drop` removes it, with any connection
 * still open to it.
 */
export async function createStoreDatabase(adminUrl: string, store: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = `finsam_${store.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`;
  await runAsAdmin(adminUrl, `CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop: () => runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}

async function runAsAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
