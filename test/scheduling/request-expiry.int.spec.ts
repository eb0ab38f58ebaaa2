import { randomUUID } from 'node:crypto';
import { companyStreamName, type Actor, type CompanyCommand } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { runCommand } from '../support/run-command';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector, type Projector } from '#infra/projections/projector';
import { startExpiryScheduler } from '#infra/scheduling/request-expiry';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { newCommandContext } from '#infra/event-log/envelope';

let db: TestDatabase;
let log: PostgresEventLog;
let projector: Projector;
beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner, { pollIntervalMs: 100 });
  projector = startProjector({ ownerPool: db.owner, log });
});
afterAll(async () => {
  await projector.stop();
  await db.drop();
});

async function run(companyId: string, actor: Actor, type: CompanyCommand['type'], data: object): Promise<void> {
  const now = new Date().toISOString();
  await runCommand(log, companies, companyStreamName(companyId), { type, data, metadata: { actor, now } } as CompanyCommand, newCommandContext(actor, { companyId }, now));
}

it('records each overdue pending request as expired exactly once, from one scheduler at a time', async () => {
  const companyId = randomUUID();
  const [admin, admin2, member] = [randomUUID(), randomUUID(), randomUUID()];
  const service: Actor = { kind: 'service', service: 'test' };
  const roleId = randomUUID();
  await run(companyId, service, 'RegisterCompany', { companyId, name: 'Expiring', adminUserId: admin, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'a@x.test' });
  await run(companyId, service, 'RegisterUser', { userId: admin2, email: 'a2@x.test' });
  await run(companyId, service, 'RegisterUser', { userId: member, email: 'm@x.test' });
  await run(companyId, service, 'DefineRole', { roleId, code: 'viewer', name: 'Viewer', maxProjectScopedRoles: 20 });
  const soon = randomUUID();
  const later = randomUUID();
  const asMember: Actor = { kind: 'user', userId: member, companyId };
  await run(companyId, asMember, 'RequestPermissionChange', { requestId: soon, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'brief', expiresAt: new Date(Date.now() + 1000).toISOString() });
  await run(companyId, asMember, 'RequestPermissionChange', { requestId: later, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'long' });
  await waitForProjection(db.owner);

  const schedulers = [1, 2].map(() => startExpiryScheduler({ ownerPool: db.owner, pipeline: new CommandPipeline({ log }), intervalMs: 100 }));
  try {
    await new Promise((r) => setTimeout(r, 1800));
    expect(schedulers.filter((s) => s.isActive())).toHaveLength(1);
    await waitForProjection(db.owner);
    const { rows } = await db.owner.query(`SELECT id, status FROM permission_change_requests WHERE company_id = $1 ORDER BY status`, [companyId]);
    expect(rows).toEqual(expect.arrayContaining([{ id: soon, status: 'expired' }, { id: later, status: 'pending' }]));
    const expired = await db.owner.query(
      `SELECT count(*)::int AS n, min(metadata -> 'actor' ->> 'service') AS actor FROM event_log.events
        WHERE type = 'PermissionChangeExpired' AND data ->> 'requestId' = $1`,
      [soon],
    );
    expect(expired.rows[0]).toEqual({ n: 1, actor: 'request-expiry' });
    // A decision after expiry is refused by the domain, whatever the read model says.
    const adminActor: Actor = { kind: 'user', userId: admin, companyId };
    await expect(run(companyId, adminActor, 'ApproveRequest', { requestId: soon })).rejects.toMatchObject({ code: 'request_decided' });
  } finally {
    await Promise.all(schedulers.map((s) => s.stop()));
  }
});
