import { chmodSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '#infra/database/embedded-database';
import { migrate } from '#infra/database/migrate';
import { freePort } from './free-port';
import { TEST_API_PASSWORD, TEMPLATE_DATABASE } from './test-settings';

/**
 * Starts one real PostgreSQL for the whole run (unless DATABASE_URL is given), migrates a
 * template database once, and lets every test file clone its own database from it.
 */
export default async function globalSetup(): Promise<void> {
  // Every temp file of the run, in every worker and child process, goes under one root that
  // global-teardown checks and removes: the OS temp dir is left as the run found it.
  const osTemp = tmpdir();
  const root = mkdtempSync(join(osTemp, 'vibot-test-run-'));
  chmodSync(root, 0o755);
  Object.assign(globalThis, { __TEMP__: { osTemp, root, before: readdirSync(osTemp) } });
  process.env.TMPDIR = root;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = mkdtempSync(join(root, 'vibot-test-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const embedded = await startEmbeddedDatabase({ dataDir, port, password: 'test', persistent: false, database: 'postgres' });
    Object.assign(globalThis, { __EMBEDDED_PG__: embedded, __EMBEDDED_PG_DIR__: dataDir });
    serverUrl = embedded.url;
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await migrate(templateUrl.toString(), { apiPassword: TEST_API_PASSWORD });
  process.env.TEST_SERVER_URL = serverUrl;
}
