import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  type Actor,
  CONNECTOR_RUNTIME_SERVICE,
  type ConnectorCommand,
  connectorDecider,
  type ConnectorEvent,
  type ConnectorState,
  connectorStreamName,
  type CredentialCommand,
  credentialDecider,
  type CredentialEvent,
  type CredentialState,
  credentialStreamName,
} from '#domain';
import { toEnvelopes } from '#infra/event-log/envelope';
import type { ExpectedRevision } from '#infra/event-log/event-log';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { credentialRowId } from '#infra/projections/connector-projection';
import { startProjector } from '#infra/projections/projector';
import { appendHistory, simulateCompany, type CompanyHistory } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const runtime: Actor = { kind: 'service', service: CONNECTOR_RUNTIME_SERVICE };
type Batch = { stream: string; companyId: string; events: readonly (ConnectorEvent | CredentialEvent)[] };

/** Connector and credential histories made by the real deciders, one batch (append) per command. */
function connectorWorld(company: CompanyHistory) {
  const admin: Actor = { kind: 'user', userId: company.adminUserId, companyId: company.companyId };
  const batches: Batch[] = [];
  const connectors = new Map<string, ConnectorState>();
  const credentials = new Map<string, CredentialState>();
  const ciphertexts = new Map<string, string>();
  const updatedBy = new Map<string, string>();
  let tick = Date.parse('2026-02-01T00:00:00Z');
  const now = (): string => new Date((tick += 60_000)).toISOString();

  const connector = (connectorId: string, type: ConnectorCommand['type'], data: object, actor: Actor = admin): void => {
    let state = connectors.get(connectorId) ?? connectorDecider.initialState();
    const command = { type, data: { connectorId, ...data }, metadata: { actor, now: now() } } as ConnectorCommand;
    const events = connectorDecider.decide(command, state);
    for (const event of events) {
      state = connectorDecider.evolve(state, event);
      if (event.type === 'ConnectorUpdated') updatedBy.set(connectorId, event.data.updatedBy);
    }
    connectors.set(connectorId, state);
    batches.push({ stream: connectorStreamName(connectorId), companyId: company.companyId, events });
  };
  const credential = (connectorId: string, type: CredentialCommand['type'], data: object, actor: Actor = admin): void => {
    let state = credentials.get(connectorId) ?? credentialDecider.initialState();
    const command = { type, data: { connectorId, ...data }, metadata: { actor, now: now() } } as CredentialCommand;
    const events = credentialDecider.decide(command, state);
    for (const event of events) state = credentialDecider.evolve(state, event);
    credentials.set(connectorId, state);
    batches.push({ stream: credentialStreamName(connectorId), companyId: company.companyId, events });
  };
  const rotate = (connectorId: string): void => {
    const version = (credentials.get(connectorId)?.currentVersion ?? 0) + 1;
    const ciphertext = randomBytes(40 + version).toString('base64');
    ciphertexts.set(`${connectorId}/${version}`, ciphertext);
    credential(connectorId, 'RotateCredential', {
      companyId: company.companyId, version, ciphertext, keyId: `key-${connectorId}-${version}`,
      checksum: createHash('sha256').update(ciphertext).digest('hex'), actorIsAdmin: true,
    });
  };
  return { admin, batches, connectors, credentials, ciphertexts, updatedBy, connector, credential, rotate, now };
}

async function appendBatches(log: PostgresEventLog, batches: readonly Batch[]): Promise<void> {
  const revisions = new Map<string, ExpectedRevision>();
  const service = { kind: 'service', service: 'seed' } as const;
  for (const batch of batches.filter((b) => b.events.length > 0)) {
    const context = { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: batch.companyId } };
    const { nextRevision } = await log.append(batch.stream, toEnvelopes(batch.events, context), { expected: revisions.get(batch.stream) ?? 'no_stream' });
    revisions.set(batch.stream, nextRevision);
  }
}

it('projects connectors and their live credential versions: equal to the fold of both streams', async () => {
  const log = new PostgresEventLog(db.owner);
  const company = simulateCompany({ users: 2, roles: 2, updatesPerRole: 0 });
  // The API appends connector commands only for a company that exists; the tables reference it.
  await appendHistory(log, company);
  const projector = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner, log, 'company');

  const w = connectorWorld(company);
  const [mysql, hook, gone, fresh] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  // mysql: credentials rotated and one destroyed, activated, synced, updated, three failures
  // (into error), a late success that must not move freshness back, then deactivated.
  w.connector(mysql, 'RegisterConnector', {
    companyId: company.companyId, provider: 'mysql', connectorType: 'database',
    config: { host: 'db.acme.test', port: 3306, database: 'crm', user: 'reader' },
    schedule: { cron: '0 9 * * MON-FRI', timezone: 'Asia/Shanghai', enabled: true }, actorIsAdmin: true,
  });
  w.rotate(mysql);
  w.rotate(mysql);
  w.credential(mysql, 'DestroyCredentialVersion', { version: 1, actorIsAdmin: true });
  w.rotate(mysql);
  w.connector(mysql, 'ActivateConnector', { hasCurrentCredential: true, actorIsAdmin: true });
  const firstSync = w.now();
  w.connector(mysql, 'RecordSync', { syncedAt: w.now(), outcome: 'success' }, runtime);
  w.connector(mysql, 'UpdateConnector', { config: { host: 'db2.acme.test', port: 3307, database: 'crm', user: 'reader' }, actorIsAdmin: true });
  for (let i = 0; i < 3; i++) w.connector(mysql, 'RecordSync', { syncedAt: w.now(), outcome: 'failure', detail: `timeout ${i}` }, runtime);
  w.connector(mysql, 'RecordSync', { syncedAt: firstSync, outcome: 'success' }, runtime);
  w.credential(mysql, 'RecordSecretAccess', { version: 3, purpose: 'sync' }, runtime);
  w.connector(mysql, 'DeactivateConnector', { actorIsAdmin: true });
  // webhook: no credential needed; updated to manual schedule twice, left active.
  w.connector(hook, 'RegisterConnector', {
    companyId: company.companyId, provider: 'webhook', connectorType: 'webhook', config: { url: 'https://hooks.acme.test/in' }, schedule: {}, actorIsAdmin: true,
  });
  w.connector(hook, 'UpdateConnector', { config: { url: 'https://hooks.acme.test/v2' }, actorIsAdmin: true });
  w.connector(hook, 'ActivateConnector', { hasCurrentCredential: false, actorIsAdmin: true });
  // gone: deleted with a credential (its rows go with it), then rotated again afterwards,
  // which the credential stream allows and the projection must absorb without halting.
  w.connector(gone, 'RegisterConnector', {
    companyId: company.companyId, provider: 's3', connectorType: 'file', config: { bucket: 'acme-exports', region: 'cn-north-1' }, schedule: {}, actorIsAdmin: true,
  });
  w.rotate(gone);
  w.connector(gone, 'DeleteConnector', { actorIsAdmin: true });
  w.rotate(gone);
  // fresh: registered only.
  w.connector(fresh, 'RegisterConnector', {
    companyId: company.companyId, provider: 'http', connectorType: 'api', config: { baseUrl: 'https://api.acme.test' }, schedule: {}, actorIsAdmin: true,
  });
  expect(w.batches.some((b) => b.events.some((e) => e.type === 'ConnectorFailed'))).toBe(true);
  expect(w.batches.some((b) => b.events.some((e) => e.type === 'SecretAccessed'))).toBe(true);

  await appendBatches(log, w.batches);
  await waitForProjection(db.owner, log, 'company');
  // A replay from the start changes nothing (every write sets absolute values or does nothing).
  await projector.stop();
  const before = await snapshot(company.companyId);
  await db.owner.query(`DELETE FROM projection_checkpoints WHERE name = 'company'`);
  const again = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner, log, 'company');
  await again.stop();
  const after = await snapshot(company.companyId);
  expect(after).toEqual(before);
  expect((await db.owner.query(`SELECT status, last_error FROM projection_checkpoints WHERE name = 'company'`)).rows[0]).toEqual({ status: 'running', last_error: null });
  // A rebuild from empty tables: companies and users come before the connectors that reference
  // them, because one projection applies them all in log order.
  await db.owner.query(`TRUNCATE companies CASCADE; DELETE FROM entity_revisions; DELETE FROM projection_checkpoints WHERE name = 'company'`);
  const rebuilt = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner, log, 'company');
  await rebuilt.stop();
  expect(await snapshot(company.companyId)).toEqual(before);
  expect((await db.owner.query(`SELECT status FROM projection_checkpoints WHERE name = 'company'`)).rows[0]).toEqual({ status: 'running' });

  const live = [...w.connectors.values()].flatMap((s) => (s.status === 'absent' || s.status === 'deleted' ? [] : [s]));
  expect(live.map((s) => s.connectorId).sort()).toEqual([mysql, hook, fresh].sort());
  expect(after.connectors).toEqual(
    live
      .map((s) => ({
        id: s.connectorId, company_id: s.companyId, provider: s.provider, connector_type: s.connectorType, status: s.status,
        config: s.config, schedule: s.schedule, last_synced_at: s.lastSyncedAt, created_by: company.adminUserId,
        updated_by: w.updatedBy.get(s.connectorId) ?? null, revision: s.revision.toString(),
      }))
      .sort((x, y) => (x.id < y.id ? -1 : 1)),
  );
  expect(after.connectors.find((c) => c.id === mysql)).toMatchObject({ status: 'inactive', last_synced_at: expect.any(String) });
  expect(after.connectors.find((c) => c.id === hook)).toMatchObject({ status: 'active', updated_by: company.adminUserId });

  const expectedCredentials = live.flatMap((s) =>
    [...(w.credentials.get(s.connectorId)?.versions.entries() ?? [])]
      .filter(([, v]) => !v.destroyed)
      .map(([version, v]) => ({
        id: credentialRowId(s.connectorId, version), company_id: s.companyId, connector_id: s.connectorId, version,
        secret: Buffer.from(w.ciphertexts.get(`${s.connectorId}/${version}`)!, 'base64').toString('hex'),
        checksum: v.checksum, rotated_at: v.rotatedAt, rotated_by: v.rotatedBy,
      })),
  );
  expect(expectedCredentials.map((c) => [c.connector_id, c.version])).toEqual([[mysql, 2], [mysql, 3]]);
  expect(after.credentials).toEqual(expectedCredentials.sort((x, y) => (x.connector_id + x.version < y.connector_id + y.version ? -1 : 1)));
});

async function snapshot(companyId: string) {
  const connectors = await db.owner.query(
    `SELECT c.id, c.company_id, c.provider, c.connector_type, c.status, c.config, c.schedule, c.last_synced_at, c.created_by, c.updated_by, v.revision
       FROM integration_connectors c LEFT JOIN entity_revisions v ON v.entity_type = 'integration_connector' AND v.entity_id = c.id
      WHERE c.company_id = $1 ORDER BY c.id`,
    [companyId],
  );
  const credentials = await db.owner.query(
    `SELECT id, company_id, connector_id, version, encode(secret_ciphertext, 'hex') AS secret, checksum, rotated_at, rotated_by
       FROM connector_credentials WHERE company_id = $1 ORDER BY connector_id, version`,
    [companyId],
  );
  const revisions = await db.owner.query(`SELECT entity_id FROM entity_revisions WHERE entity_type = 'integration_connector' AND company_id = $1 ORDER BY entity_id`, [companyId]);
  return {
    connectors: connectors.rows.map((r) => ({ ...r, last_synced_at: r.last_synced_at?.toISOString() ?? null })),
    credentials: credentials.rows.map((r) => ({ ...r, rotated_at: r.rotated_at.toISOString() })),
    revisions: revisions.rows.map((r) => r.entity_id),
  };
}
