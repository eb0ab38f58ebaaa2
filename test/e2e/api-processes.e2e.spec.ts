import { randomBytes, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { companyStreamName, connectorStreamName } from '#domain';
import { mintToken } from '#infra/auth/tokens';
import { companies, connectors } from '#infra/commands/aggregates';
import { newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { type ApiProcess, request, startApiProcess } from '../support/api-process';
import { runCommand } from '../support/run-command';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_JWT_SECRET } from '../support/test-settings';

// The API as real OS processes, each with its own state cache: killed between append and
// answer, and two of them writing to one company at once.
let db: TestDatabase;
const running: ApiProcess[] = [];
const MASTER_KEY = randomBytes(32).toString('base64');
const jwt = { secret: TEST_JWT_SECRET, jwksUrl: undefined, issuer: 'vibot-access', audience: 'authenticated', algorithms: ['HS256'] };

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(running.map((api) => api.kill()));
  await db.drop();
});

async function api(env: Record<string, string> = {}): Promise<ApiProcess> {
  const started = await startApiProcess(db, { MASTER_KEY, ...env });
  running.push(started);
  return started;
}

async function company(): Promise<{ companyId: string; adminUserId: string; token: string; connectorId: string }> {
  const log = new PostgresEventLog(db.owner);
  const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
  const service = { kind: 'service', service: 'e2e' } as const;
  const now = new Date().toISOString();
  await runCommand(log, companies, companyStreamName(ids.companyId), {
    type: 'RegisterCompany',
    data: { ...ids, name: 'Crashy Co', adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: null },
    metadata: { actor: service, now },
  }, newCommandContext(service, { companyId: ids.companyId }));
  const connectorId = randomUUID();
  const admin = { kind: 'user', userId: ids.adminUserId, companyId: ids.companyId } as const;
  await runCommand(log, connectors, connectorStreamName(connectorId), {
    type: 'RegisterConnector',
    data: { connectorId, companyId: ids.companyId, provider: 'mysql', connectorType: 'database', config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'r' }, schedule: {}, actorIsAdmin: true },
    metadata: { actor: admin, now },
  }, newCommandContext(admin, { companyId: ids.companyId }));
  return { ...ids, connectorId, token: await mintToken(jwt, { userId: ids.adminUserId, companyId: ids.companyId }, '10m') };
}

const eventsOf = async (sql: string, params: unknown[]) =>
  (await db.owner.query<{ stream_id: string; stream_revision: string; position: string; data: Record<string, unknown> }>(
    `SELECT stream_id, stream_revision::text, transaction_id::text || '/' || global_position AS position, data FROM event_log.events WHERE ${sql}`,
    params,
  )).rows;

/**
 * Holds every stored answer: the API process appends, then blocks writing its answer to
 * api.idempotency_keys, exactly between append and answer, until the test lets go.
 */
async function holdAnswers(): Promise<{ release: () => Promise<void> }> {
  const holder: PoolClient = await db.owner.connect();
  await holder.query('SELECT pg_advisory_lock(727999)');
  await db.owner.query(`CREATE OR REPLACE FUNCTION api.hold_answers() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN PERFORM pg_advisory_xact_lock(727999); RETURN NEW; END $$`);
  await db.owner.query(`CREATE TRIGGER hold_answers BEFORE UPDATE ON api.idempotency_keys FOR EACH ROW
    WHEN (NEW.status_code IS NOT NULL) EXECUTE FUNCTION api.hold_answers()`);
  return {
    release: async () => {
      await db.owner.query('DROP TRIGGER hold_answers ON api.idempotency_keys');
      await holder.query('SELECT pg_advisory_unlock(727999)');
      holder.release();
    },
  };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('an API process killed between append and answer', () => {
  it.each([
    ['a role definition', (_c: Awaited<ReturnType<typeof company>>) => ({ path: '/v1/roles', body: { code: `crash.${randomUUID().slice(0, 8)}`, name: 'Crash' } })],
    ['a credential rotation', (c: Awaited<ReturnType<typeof company>>) => ({ path: `/v1/integration-connectors/${c.connectorId}/credentials`, body: { secret: `s3cret-${randomUUID()}` } })],
  ])('%s: the retry with the same Idempotency-Key gets the same answer, and nothing is appended or sealed twice', async (_label, make) => {
    const c = await company();
    const { path, body } = make(c);
    const key = `crash-${randomUUID()}`;
    const hold = await holdAnswers();
    let released = false;
    try {
      const first = await api();
      const lost = request(first.base, 'POST', path, { token: c.token, body, headers: { 'idempotency-key': key } }).then(
        (answer) => `answered ${answer.status}`,
        (error: Error) => `lost: ${error.message}`,
      );
      const [event] = await until(async () => {
        const rows = await eventsOf(`metadata -> 'tenant' ->> 'companyId' = $1 AND type IN ('RoleDefined', 'CredentialRotated') AND (data ->> 'builtIn') IS DISTINCT FROM 'true'`, [c.companyId]);
        return rows.length > 0 ? rows : undefined;
      }, 'the first attempt to append');
      // Killed only once it truly waits to store its answer, so every run crashes at that point.
      await until(async () => {
        const { rows } = await db.owner.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 727999 AND NOT granted`);
        return rows.length > 0 ? true : undefined;
      }, 'the first attempt to hold its answer');
      await first.kill();
      expect(await lost).toMatch(/^lost: /);
      // Its connections go with it. PostgreSQL would notice only when the held answer's write
      // got its lock, and until then that open transaction would hold back every projector on
      // the cluster (the log's horizon is cluster-wide) and the trigger's removal.
      await db.owner.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'vibot_api'`);
      await hold.release();
      released = true;

      const second = await api({ IDEMPOTENCY_IN_FLIGHT_MS: '200' });
      await new Promise((resolve) => setTimeout(resolve, 250));
      const retried = await request(second.base, 'POST', path, { token: c.token, body, headers: { 'idempotency-key': key } });
      expect(retried.status).toBe(201);
      const id = event!.stream_id.startsWith('company-') ? (event!.data.roleId as string) : c.connectorId;
      expect(retried.body).toMatchObject({ id, revision: '1', stream: event!.stream_id, streamRevision: event!.stream_revision, position: event!.position });
      // Nothing new: one event, and for the rotation one data key (the retry sealed nothing).
      const after = await eventsOf(`metadata -> 'tenant' ->> 'companyId' = $1 AND type IN ('RoleDefined', 'CredentialRotated') AND (data ->> 'builtIn') IS DISTINCT FROM 'true'`, [c.companyId]);
      expect(after).toHaveLength(1);
      const keys = await db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1', [c.companyId]);
      expect(keys.rows[0]!.n).toBe(event!.stream_id.startsWith('company-') ? 0 : 1);
      const replay = await request(second.base, 'POST', path, { token: c.token, body, headers: { 'idempotency-key': key } });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(retried.body);
    } finally {
      if (!released) await hold.release();
    }
  });
});

describe('two API processes writing to one company', () => {
  it('all commands without preconditions succeed, each cache catching up with the other', async () => {
    const c = await company();
    const [one, two] = [await api(), await api()];
    const before = (await eventsOf('metadata -> \'tenant\' ->> \'companyId\' = $1', [c.companyId])).length;
    const writes = Array.from({ length: 60 }, (_, i) => {
      const base = i % 2 === 0 ? one.base : two.base;
      return i % 3 === 0
        ? request(base, 'POST', '/v1/users', { token: c.token, body: { email: `both-${i}@example.com` } })
        : request(base, 'POST', '/v1/roles', { token: c.token, body: { code: `both.${i}`, name: `Both ${i}` } });
    });
    const answers = await Promise.all(writes);
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(201));
    const after = (await eventsOf('metadata -> \'tenant\' ->> \'companyId\' = $1', [c.companyId])).length;
    expect(after - before).toBe(60);
    // A revision answered by one process is the precondition the other checks, and a stale one
    // is refused by whichever process sees it.
    const role = answers[2]!.body as { id: string; revision: string };
    const edited = await request(two.base, 'PATCH', `/v1/roles/${role.id}`, { token: c.token, body: { name: 'Edited' }, headers: { 'if-match': '"1"' } });
    expect([edited.status, edited.body.revision]).toEqual([200, '2']);
    const stale = await request(one.base, 'PATCH', `/v1/roles/${role.id}`, { token: c.token, body: { name: 'Lost' }, headers: { 'if-match': '"1"' } });
    expect([stale.status, stale.body.currentRevision]).toEqual([409, '2']);
  });
});
