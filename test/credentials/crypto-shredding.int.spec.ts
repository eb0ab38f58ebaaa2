import { randomBytes, randomUUID } from 'node:crypto';
import { companyStreamName, connectorStreamName, type Actor, type CompanyCommand } from '#domain';
import { companies, connectors } from '#infra/commands/aggregates';
import { runCommand } from '../support/run-command';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { openSecret } from '#infra/crypto/credential-vault';
import { KeyDestroyed, KeyStore } from '#infra/crypto/key-store';
import { rotateCredential } from '#infra/credentials/credential-service';
import { createPool } from '#infra/database/database';
import { type CommandContext, newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let apiPool: ReturnType<typeof createPool>;
let deps: { log: PostgresEventLog; pipeline: CommandPipeline; keys: KeyStore };
const context = (actor: Actor, companyId: string): CommandContext => newCommandContext(actor, { companyId });

beforeAll(async () => {
  db = await createTestDatabase();
  apiPool = createPool(db.apiUrl, { max: 6 });
  const log = new PostgresEventLog(apiPool);
  deps = { log, pipeline: new CommandPipeline({ log }), keys: new KeyStore(apiPool, randomBytes(32)) };
});
afterAll(async () => {
  await apiPool.end();
  await db.drop();
});

async function companyWithSecrets(name: string): Promise<{ companyId: string; connectorId: string; secrets: string[] }> {
  const companyId = randomUUID();
  const adminId = randomUUID();
  const connectorId = randomUUID();
  const service: Actor = { kind: 'service', service: 'test' };
  await runCommand(deps.log, companies, companyStreamName(companyId), {
    type: 'RegisterCompany', data: { companyId, name, adminUserId: adminId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: `a@${name}.test` },
    metadata: { actor: service, now: new Date().toISOString() },
  } as CompanyCommand, context(service, companyId));
  const admin: Actor & { kind: 'user' } = { kind: 'user', userId: adminId, companyId };
  await runCommand(deps.log, connectors, connectorStreamName(connectorId), {
    type: 'RegisterConnector',
    data: { connectorId, companyId, provider: 'webhook', connectorType: 'webhook', config: { url: 'https://hooks.example.test/in' }, schedule: {}, actorIsAdmin: true },
    metadata: { actor: admin, now: new Date().toISOString() },
  }, context(admin, companyId));
  const secrets = [`${name}-secret-1`, `${name}-secret-2`];
  for (const secret of secrets) await rotateCredential(deps, { actor: admin, connectorId, secret, context: context(admin, companyId) });
  return { companyId, connectorId, secrets };
}

const credentialRows = async (companyId: string) =>
  (await db.owner.query(`SELECT version, encode(secret_ciphertext, 'base64') AS ciphertext, checksum FROM connector_credentials WHERE company_id = $1 ORDER BY version`, [companyId])).rows;

it("after a company's keys are destroyed, a rebuild from the log still succeeds and none of its secrets can be read", async () => {
  const shredded = await companyWithSecrets('shredded');
  const kept = await companyWithSecrets('kept');
  const projector = startProjector({ ownerPool: db.owner, log: deps.log });
  await waitForProjection(db.owner);
  await projector.stop();
  const before = await credentialRows(shredded.companyId);
  expect(before).toHaveLength(2);

  await deps.keys.destroyCompanyKeys(shredded.companyId);

  // Rebuild every read table from the log, from nothing.
  await db.owner.query(`TRUNCATE companies CASCADE; DELETE FROM entity_revisions; DELETE FROM projection_checkpoints`);
  const rebuild = startProjector({ ownerPool: db.owner, log: deps.log });
  await waitForProjection(db.owner);
  await rebuild.stop();
  expect((await db.owner.query(`SELECT status FROM projection_checkpoints WHERE name = 'company'`)).rows[0].status).toBe('running');
  const after = await credentialRows(shredded.companyId);
  expect(after).toEqual(before);

  const { rows: rotated } = await db.owner.query(
    `SELECT data ->> 'keyId' AS key_id, data ->> 'ciphertext' AS ciphertext, data ->> 'checksum' AS checksum, data ->> 'companyId' AS company_id
       FROM event_log.events WHERE type = 'CredentialRotated'`,
  );
  for (const event of rotated.filter((r) => r.company_id === shredded.companyId)) {
    await expect(openSecret(deps.keys, shredded.companyId, { keyId: event.key_id, ciphertext: event.ciphertext, checksum: event.checksum })).rejects.toBeInstanceOf(KeyDestroyed);
  }
  const keptSecrets = await Promise.all(
    rotated.filter((r) => r.company_id === kept.companyId).map((e) => openSecret(deps.keys, kept.companyId, { keyId: e.key_id, ciphertext: e.ciphertext, checksum: e.checksum })),
  );
  expect(keptSecrets.sort()).toEqual(kept.secrets);
  const keys = await db.owner.query('SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1', [shredded.companyId]);
  expect(keys.rows[0].n).toBe(0);
});
