import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '#infra/database/embedded-database';
import { apiUrlFor, migrate } from '#infra/database/migrate';

export type BenchDatabase = Readonly<{
  ownerUrl: string;
  apiUrl: string;
  /** Where the figures came from, for the report. */
  source: 'embedded' | 'DATABASE_URL';
  stop: () => Promise<void>;
}>;

const withDatabase = (serverUrl: string, database: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A freshly migrated database for one bench run: a scratch database on DATABASE_URL's server
 * (dropped afterwards, so a shared server keeps no trace), else a throw-away embedded cluster.
 */
export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  // The API role is cluster-wide: on a shared server reuse its known password rather than
  // silently changing it under a running service.
  const apiPassword = process.env.API_DATABASE_PASSWORD || randomBytes(18).toString('base64url');
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    if (!process.env.API_DATABASE_PASSWORD) log('note: API_DATABASE_PASSWORD unset, the vibot_api login gets a random password');
    const database = `vibot_bench_${randomBytes(4).toString('hex')}`;
    await onServer(serverUrl, `CREATE DATABASE ${database}`);
    const ownerUrl = withDatabase(serverUrl, database);
    const stop = () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    try {
      await migrate(ownerUrl, { apiPassword });
    } catch (error) {
      await stop();
      throw error;
    }
    return { ownerUrl, apiUrl: apiUrlFor(ownerUrl, apiPassword), source: 'DATABASE_URL', stop };
  }

  // As root PostgreSQL runs as the `postgres` OS user, which must be able to enter this folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'vibot-bench-'));
  chmodSync(dataDir, 0o755);
  const port = 55000 + Math.floor(Math.random() * 5000);
  const embedded = await startEmbeddedDatabase({
    dataDir,
    port,
    password: randomBytes(18).toString('base64url'),
    persistent: false,
    database: 'vibot_bench',
  });
  const stop = async (): Promise<void> => {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await migrate(embedded.url, { apiPassword });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ownerUrl: embedded.url, apiUrl: apiUrlFor(embedded.url, apiPassword), source: 'embedded', stop };
}
