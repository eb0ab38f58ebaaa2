import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate, migrationFiles } from '#infra/database/migrate';
import { TEST_API_PASSWORD } from '../support/test-settings';

const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `m_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(process.env.TEST_SERVER_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const admin = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

it('applies every migration to an empty database once, and nothing on a second run', async () => {
  const url = await emptyDatabase();
  const first = await migrate(url, { apiPassword: TEST_API_PASSWORD });
  expect(first.applied).toEqual(migrationFiles().map((f) => f.name));
  const second = await migrate(url, { apiPassword: TEST_API_PASSWORD });
  expect(second).toEqual({ applied: [], skipped: first.applied.length });
});

it('keeps the auth helpers a Supabase database already has (created only if missing)', async () => {
  const url = await emptyDatabase();
  await query(url, `CREATE SCHEMA auth;
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT '00000000-0000-4000-8000-000000000001'::uuid $$;
    CREATE FUNCTION public.has_role(p_code text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT p_code = 'theirs' $$;`);
  await migrate(url, { apiPassword: TEST_API_PASSWORD });
  const [row] = await query<{ uid: string; theirs: boolean; ours: boolean }>(
    url,
    `SELECT auth.uid()::text AS uid, has_role('theirs') AS theirs, has_role('Vibot.admin') AS ours`,
  );
  expect(row).toEqual({ uid: '00000000-0000-4000-8000-000000000001', theirs: true, ours: false });
});
