import { statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSecret, sealSecret } from '#infra/crypto/credential-vault';
import { KeyDestroyed, KeyStore } from '#infra/crypto/key-store';
import { Client } from 'pg';
import { companyStreamName } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { runCommand } from '../support/run-command';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { tokenVerifier } from '#infra/auth/tokens';
import { loadConfig } from '#infra/config/config';
import { freePort } from '../support/free-port';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_JWT_SECRET } from '../support/test-settings';
import { cliEnv, runCli } from './run-cli';

let db: TestDatabase;
let env: Record<string, string>;
// Configured by environment alone (DATABASE_URL given), so the loader writes no local secrets.
const verify = tokenVerifier(loadConfig({ JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: 'postgresql://unused', API_DATABASE_PASSWORD: 'unused' }).jwt);

beforeAll(async () => {
  db = await createTestDatabase();
  env = cliEnv(db, 'vibot-cli');
});
afterAll(async () => {
  await db.drop();
  removeTempDir(env?.DATA_DIR);
});

describe('CLI against DATABASE_URL', () => {
  it('bootstrap --json prints exactly one JSON object and records the company as events', async () => {
    const run = await runCli(['bootstrap', '--company', 'Acme', '--admin-email', 'Admin@Acme.test', '--json'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { companyId: string; adminUserId: string; token: string };
    expect(Object.keys(out).sort()).toEqual(['adminUserId', 'companyId', 'token']);
    const claims = await verify(out.token);
    expect(claims).toMatchObject({ sub: out.adminUserId, company_id: out.companyId, role: 'authenticated' });
    const { rows } = await db.owner.query(
      `SELECT type, metadata -> 'actor' AS actor FROM event_log.events WHERE stream_id = $1 ORDER BY stream_revision`,
      [`company-${out.companyId}`],
    );
    expect(rows.map((r) => r.type)).toEqual(['CompanyRegistered', 'RoleDefined', 'UserRegistered', 'RoleGranted', 'RoleDefined']);
    expect(rows[0].actor).toEqual({ service: 'vibot-cli' });
  });

  it('token --user mints a token for an existing user, and refuses an unknown one', async () => {
    const boot = JSON.parse((await runCli(['bootstrap', '--company', 'Tokens', '--admin-email', 'a@t.test', '--json'], env)).stdout);
    const run = await runCli(['token', '--user', boot.adminUserId, '--ttl', '5m', '--json'], env);
    expect(run.code).toBe(0);
    const { token } = JSON.parse(run.stdout);
    const claims = await verify(token);
    expect(claims.company_id).toBe(boot.companyId);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    const unknown = await runCli(['token', '--user', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no user');
  });

  it('token --service connector-runtime mints a service credential for one company (not a user token)', async () => {
    const companyId = randomUUID();
    const run = await runCli(['token', '--service', 'connector-runtime', '--company', companyId, '--json'], env);
    expect(run.code).toBe(0);
    const claims = await verify(JSON.parse(run.stdout).token);
    expect(claims).toMatchObject({ role: 'service', scope: 'connector-runtime', company_id: companyId, sub: 'service:connector-runtime' });
    expect((await runCli(['token', '--service', 'root', '--company', companyId], env)).code).toBe(2);
  });

  it('db-url --json prints the connection string in use', async () => {
    const run = await runCli(['db-url', '--json'], env);
    expect(JSON.parse(run.stdout)).toEqual({ url: db.ownerUrl });
  });

  it('projections and skip-event: an operator moves a halted projection past one event, and the log records it', async () => {
    const boot = JSON.parse((await runCli(['bootstrap', '--company', 'Skip', '--admin-email', 's@s.test', '--json'], env)).stdout);
    const [first] = (await db.owner.query(
      `SELECT transaction_id::text AS tx, global_position::text AS gp FROM event_log.events WHERE stream_id = $1 ORDER BY stream_revision`,
      [`company-${boot.companyId}`],
    )).rows;
    // A projection halted just before this company's first event (as the projector leaves it).
    await db.owner.query(
      `INSERT INTO projection_checkpoints (name, commit_position, prepare_position, status, last_error) VALUES ('stuck', $1, $2 - 1, 'halted', 'boom')`,
      [first.tx, first.gp],
    );
    expect((await runCli(['skip-event', '--projection', 'stuck'], env)).stderr).toContain('missing --reason');
    const skipped = await runCli(['skip-event', '--projection', 'stuck', '--reason', 'poison event, fixed by hand', '--json'], env);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ projection: 'stuck', type: 'CompanyRegistered', stream: `company-${boot.companyId}`, revision: '0' });
    const checkpoint = (await db.owner.query(`SELECT commit_position::text AS c, prepare_position::text AS p FROM projection_checkpoints WHERE name = 'stuck'`)).rows[0];
    expect(checkpoint).toEqual({ c: first.tx, p: first.gp });
    const audit = await db.owner.query(`SELECT data, metadata -> 'actor' AS actor FROM event_log.events WHERE stream_id = 'projectorOperations-stuck'`);
    expect(audit.rows[0].data).toMatchObject({ type: 'CompanyRegistered', reason: 'poison event, fixed by hand' });
    expect(audit.rows[0].actor).toEqual({ service: 'vibot-cli' });
    const listed = await runCli(['projections', '--json'], env);
    expect(JSON.parse(listed.stdout).projections).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'stuck', status: 'halted' })]));
    // Only a halted projection can be moved by hand.
    await db.owner.query(`UPDATE projection_checkpoints SET status = 'running' WHERE name = 'stuck'`);
    expect((await runCli(['skip-event', '--projection', 'stuck', '--reason', 'x'], env)).code).toBe(2);
  });

  it('grant and revoke: break-glass role changes recorded with the operator CLI as actor and the reason', async () => {
    const boot = JSON.parse((await runCli(['bootstrap', '--company', 'Glass', '--admin-email', 'g@g.test', '--json'], env)).stdout);
    const userId = randomUUID();
    const log = new PostgresEventLog(db.owner);
    const service = { kind: 'service', service: 'test' } as const;
    const now = new Date().toISOString();
    await runCommand(log, companies, companyStreamName(boot.companyId),
      { type: 'RegisterUser', data: { userId, email: 'second@g.test' }, metadata: { actor: service, now } },
      { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now, tenant: { companyId: boot.companyId } });
    const granted = await runCli(['grant', '--user', userId, '--role', 'Vibot.admin', '--reason', 'on-call break-glass', '--json'], env);
    expect(granted.code).toBe(0);
    expect(JSON.parse(granted.stdout)).toMatchObject({ userId, role: 'Vibot.admin', action: 'grant' });
    const revoked = await runCli(['revoke', '--user', userId, '--role', 'Vibot.admin', '--reason', 'incident closed', '--json'], env);
    expect(revoked.code).toBe(0);
    const { rows } = await db.owner.query(
      `SELECT type, data ->> 'reason' AS reason, metadata -> 'actor' AS actor FROM event_log.events
        WHERE stream_id = $1 AND type IN ('RoleGranted', 'RoleRevoked') AND data ->> 'userId' = $2 ORDER BY stream_revision`,
      [`company-${boot.companyId}`, userId],
    );
    expect(rows).toEqual([
      { type: 'RoleGranted', reason: 'on-call break-glass', actor: { service: 'vibot-cli' } },
      { type: 'RoleRevoked', reason: 'incident closed', actor: { service: 'vibot-cli' } },
    ]);
    const unknown = await runCli(['grant', '--user', userId, '--role', 'nope', '--reason', 'x'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no role nope');
  });

  it('shred-keys destroys every key of one company: its secrets become unreadable, others stay, and the log records it', async () => {
    const masterKey = randomBytes(32);
    const keys = new KeyStore(db.owner, masterKey);
    const [company, other] = [randomUUID(), randomUUID()];
    const mine = await sealSecret(keys, company, 'to be shredded');
    const theirs = await sealSecret(keys, other, 'kept');
    const run = await runCli(['shred-keys', '--company', company, '--reason', 'customer left; GDPR erasure', '--json'], { ...env, MASTER_KEY: masterKey.toString('base64') });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ companyId: company, dataKeysDestroyed: 1 });
    await expect(openSecret(keys, company, mine)).rejects.toBeInstanceOf(KeyDestroyed);
    expect(await openSecret(keys, other, theirs)).toBe('kept');
    const { rows } = await db.owner.query(`SELECT data, metadata -> 'actor' AS actor FROM event_log.events WHERE stream_id = $1`, [`keyOperations-${company}`]);
    expect(rows).toEqual([{ data: expect.objectContaining({ companyId: company, dataKeys: 1, reason: 'customer left; GDPR erasure' }), actor: { service: 'vibot-cli' } }]);
  });

  it('verify-log recomputes every hash chain and exits 1 naming the first broken link', async () => {
    const boot = JSON.parse((await runCli(['bootstrap', '--company', 'Chain', '--admin-email', 'c@c.test', '--json'], env)).stdout);
    const stream = `company-${boot.companyId}`;
    const clean = await runCli(['verify-log', '--json'], env);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).broken).toEqual([]);
    await db.owner.query(`UPDATE event_log.events SET data = jsonb_set(data, '{name}', '"forged"') WHERE stream_id = $1 AND stream_revision = 0`, [stream]);
    const tampered = await runCli(['verify-log', '--json'], env);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout).broken).toEqual([{ stream, revision: '0', reason: 'hash_mismatch' }]);
    expect((await runCli(['verify-log', '--stream', stream], env)).stdout).toContain(`BROKEN ${stream}@0: hash_mismatch`);
  });

  it('refuses EVENTSTORE_CONNECTION_STRING while only the PostgreSQL log exists', async () => {
    const run = await runCli(['bootstrap', '--company', 'Esdb', '--admin-email', 'e@s.test'], { ...env, EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113' });
    // An error, like every other: one line and exit 2 (issue 11, defect 7; it was exit 1 and a stack).
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: EVENTSTORE_CONNECTION_STRING is set, but this build has only the PostgreSQL event log; unset it\n$/);
  });

  it('bad usage exits 2 with one line and no usage text (that goes with --help only)', async () => {
    const run = await runCli(['bootstrap', '--company', 'NoEmail'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: missing --admin-email\n');
    expect((await runCli(['frobnicate'], env)).stderr).toBe('error: unknown command "frobnicate"; see --help\n');
  });
});

describe('CLI on the embedded default (no DATABASE_URL)', () => {
  it('starts its own PostgreSQL under the data directory, keeps data across runs, and stops it again', async () => {
    const dataDir = makeTempDir('vibot-embedded');
    try {
      const port = String(await freePort());
      const local = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: port, DATABASE_URL: '', JWT_SECRET: undefined, API_DATABASE_PASSWORD: undefined, LOG_LEVEL: 'silent' };
      const boot = await runCli(['bootstrap', '--company', 'Embedded', '--admin-email', 'e@e.test', '--json'], local);
      expect({ code: boot.code, stderr: boot.stderr }).toEqual({ code: 0, stderr: '' });
      const { adminUserId } = JSON.parse(boot.stdout);
      expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      // A second run finds the same data (kept across restarts) and mints a token with the kept secret.
      const token = await runCli(['token', '--user', adminUserId, '--json'], local);
      expect(token.code).toBe(0);
      const { url } = JSON.parse((await runCli(['db-url', '--json'], local)).stdout);
      expect(url).toContain(`:${port}/vibot`);
      // Stopped after each command: nothing listens any more.
      const probe = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      await expect(probe.connect()).rejects.toThrow();
      await probe.end().catch(() => undefined);
    } finally {
      removeTempDir(dataDir);
    }
  });
});
