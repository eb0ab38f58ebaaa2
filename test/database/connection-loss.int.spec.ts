import { Client } from 'pg';
import { isConnectionError, reconnectDelayMs } from '#infra/database/connection-loss';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * What counts as "the database is unreachable" decides between a 503 and a 500, and between a
 * projector that waits and one that halts on an innocent event: checked on real failures.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const failure = (work: Promise<unknown>): Promise<unknown> => work.then(() => new Error('expected a failure'), (error: unknown) => error);

it('a refused connection, a session the server ended and a client used after that are connection errors', async () => {
  const refused = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/postgres` });
  expect(isConnectionError(await failure(refused.connect()))).toBe(true);

  const victim = new Client({ connectionString: db.ownerUrl });
  victim.on('error', () => undefined);
  await victim.connect();
  const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const ended = failure(victim.query('SELECT pg_sleep(10)'));
  await db.owner.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
  const terminated = await ended;
  expect((terminated as { code?: string }).code).toBe('57P01');
  expect(isConnectionError(terminated)).toBe(true);
  expect(isConnectionError(await failure(victim.query('SELECT 1')))).toBe(true);
  await victim.end().catch(() => undefined);
});

it('a statement that fails on a healthy connection is not one', async () => {
  expect(isConnectionError(await failure(db.owner.query('SELEC 1')))).toBe(false);
  expect(isConnectionError(await failure(db.owner.query('SELECT 1/0')))).toBe(false);
  expect(isConnectionError(await failure(db.owner.query("SELECT 'x'::uuid")))).toBe(false);
  expect(isConnectionError(new Error('handler cannot digest this event'))).toBe(false);
  expect(isConnectionError(undefined)).toBe(false);
});

it('reconnecting backs off from 100 ms, doubling, to 5 s at most', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => reconnectDelayMs(attempt))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});
