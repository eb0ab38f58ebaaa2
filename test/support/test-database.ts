import { randomUUID } from 'node:crypto';
import { Client, Pool, type PoolClient } from 'pg';
import { apiUrlFor } from '#infra/database/migrate';
import { TEMPLATE_DATABASE, TEST_API_PASSWORD } from './test-settings';

export type TestDatabase = Readonly<{
  name: string;
  /** Owner connection string (migrations, projector, test set-up). */
  ownerUrl: string;
  /** The API's login role: not owner, not superuser, no BYPASSRLS. */
  apiUrl: string;
  owner: Pool;
  drop: () => Promise<void>;
}>;

function serverUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (global-setup)');
  return url;
}

/** A fresh database cloned from the migrated template: each test file gets its own world. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const owner = new Pool({ connectionString: ownerUrl, max: 10 });
  owner.on('error', () => undefined);
  owner.on('connect', (client) => client.on('error', () => undefined));
  return {
    name,
    ownerUrl,
    apiUrl: apiUrlFor(ownerUrl, TEST_API_PASSWORD),
    owner,
    drop: async () => {
      await owner.end();
      const dropper = new Client({ connectionString: serverUrl() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * Runs `work` on one connection inside a transaction that is always rolled back: a policy
 * dropped or a row written there (the RLS suites' controls) never outlives the test.
 */
export async function rolledBack<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    return await work(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
