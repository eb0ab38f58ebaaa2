import { randomBytes, randomUUID } from 'node:crypto';
import { companyStreamName, connectorStreamName, type Actor, type CompanyCommand } from '#domain';
import { companies, connectors } from '#infra/commands/aggregates';
import { runCommand } from '../support/run-command';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { KeyDestroyed, KeyStore } from '#infra/crypto/key-store';
import { destroyCredentialVersion, readSecretForRuntime, rotateCredential } from '#infra/credentials/credential-service';
import { createPool } from '#infra/database/database';
import { type CommandContext, newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let apiPool: ReturnType<typeof createPool>;
let deps: { log: PostgresEventLog; pipeline: CommandPipeline; keys: KeyStore };

const context = (actor: Actor, companyId: string): CommandContext => newCommandContext(actor, { companyId });

beforeAll(async () => {
  db = await createTestDatabase();
  apiPool = createPool(db.apiUrl, { max: 12 });
  const log = new PostgresEventLog(apiPool);
  deps = { log, pipeline: new CommandPipeline({ log }), keys: new KeyStore(apiPool, randomBytes(32)) };
});
afterAll(async () => {
  await apiPool.end();
  await db.drop();
});

/** A company with an admin and a member, and a MySQL connector registered by the admin. */
async function world() {
  const companyId = randomUUID();
  const [adminId, memberId, connectorId] = [randomUUID(), randomUUID(), randomUUID()];
  const service: Actor = { kind: 'service', service: 'test' };
  const run = (type: CompanyCommand['type'], data: object) =>
    runCommand(deps.log, companies, companyStreamName(companyId), { type, data, metadata: { actor: service, now: new Date().toISOString() } } as CompanyCommand, context(service, companyId));
  await run('RegisterCompany', { companyId, name: 'Vault Co', adminUserId: adminId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'a@v.test' });
  await run('RegisterUser', { userId: memberId, email: 'm@v.test' });
  const admin: Actor & { kind: 'user' } = { kind: 'user', userId: adminId, companyId };
  const member: Actor & { kind: 'user' } = { kind: 'user', userId: memberId, companyId };
  await runCommand(deps.log, connectors, connectorStreamName(connectorId), {
    type: 'RegisterConnector',
    data: { connectorId, companyId, provider: 'mysql', connectorType: 'database', config: { host: 'db.internal', port: 3306, database: 'crm', user: 'sync' }, schedule: {}, actorIsAdmin: true },
    metadata: { actor: admin, now: new Date().toISOString() },
  }, context(admin, companyId));
  return { companyId, connectorId, admin, member };
}

describe('credential service: sealed before the log, versioned, shreddable, every read recorded', () => {
  it('rotates versions 1, 2 with check-and-set; the runtime reads the current one and the read is recorded', async () => {
    const w = await world();
    const canary = `canary-${randomUUID()}`;
    const first = await rotateCredential(deps, { actor: w.admin, connectorId: w.connectorId, secret: { password: canary }, expectedVersion: 0, context: context(w.admin, w.companyId) });
    expect(first.version).toBe(1);
    await expect(rotateCredential(deps, { actor: w.admin, connectorId: w.connectorId, secret: 'x', expectedVersion: 0, context: context(w.admin, w.companyId) })).rejects.toMatchObject({ code: 'version_mismatch' });
    const second = await rotateCredential(deps, { actor: w.admin, connectorId: w.connectorId, secret: `${canary}-2`, expectedVersion: 1, context: context(w.admin, w.companyId) });
    expect(second.version).toBe(2);

    const read = await readSecretForRuntime(deps, { service: 'connector-runtime', companyId: w.companyId, connectorId: w.connectorId, purpose: 'nightly sync', context: context({ kind: 'service', service: 'connector-runtime' }, w.companyId) });
    expect(read).toEqual({ version: 2, secret: `${canary}-2` });
    const { rows } = await db.owner.query(`SELECT data, metadata -> 'actor' AS actor FROM event_log.events WHERE type = 'SecretAccessed' AND data ->> 'connectorId' = $1`, [w.connectorId]);
    expect(rows).toEqual([{ data: expect.objectContaining({ version: 2, purpose: 'nightly sync', accessedBy: 'connector-runtime' }), actor: { service: 'connector-runtime' } }]);

    // The plaintext is nowhere in the log: not in data, not in metadata.
    const leaked = await db.owner.query(`SELECT count(*)::int AS n FROM event_log.events WHERE data::text LIKE $1 OR metadata::text LIKE $1`, [`%${canary}%`]);
    expect(leaked.rows[0].n).toBe(0);
  });

  it('members may not rotate; a refused rotation leaves no orphan key behind', async () => {
    const w = await world();
    await expect(rotateCredential(deps, { actor: w.member, connectorId: w.connectorId, secret: 's', context: context(w.member, w.companyId) })).rejects.toMatchObject({ code: 'not_admin' });
    const keys = await db.owner.query('SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1', [w.companyId]);
    expect(keys.rows[0].n).toBe(0);
  });

  it('concurrent rotations at the same expected version: exactly one wins', async () => {
    const w = await world();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => rotateCredential(deps, { actor: w.admin, connectorId: w.connectorId, secret: `s${i}`, expectedVersion: 0, context: context(w.admin, w.companyId) })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.kind)).toEqual(Array(5).fill('conflict'));
  });

  it('a destroyed version can no longer be decrypted by anyone', async () => {
    const w = await world();
    await rotateCredential(deps, { actor: w.admin, connectorId: w.connectorId, secret: 'v1', context: context(w.admin, w.companyId) });
    await destroyCredentialVersion(deps, { actor: w.admin, connectorId: w.connectorId, version: 1, context: context(w.admin, w.companyId) });
    await expect(readSecretForRuntime(deps, { service: 'connector-runtime', companyId: w.companyId, connectorId: w.connectorId, context: context({ kind: 'service', service: 'connector-runtime' }, w.companyId) })).rejects.toMatchObject({ code: 'credential_not_found' });
    const { rows } = await db.owner.query(`SELECT data ->> 'keyId' AS key_id FROM event_log.events WHERE type = 'CredentialRotated' AND data ->> 'connectorId' = $1`, [w.connectorId]);
    await expect(deps.keys.dataKey(w.companyId, rows[0].key_id)).rejects.toBeInstanceOf(KeyDestroyed);
  });
});
