import { randomUUID } from 'node:crypto';
import { companyStreamName } from '../../libs/domain/src';
import { toEnvelopes } from '../../libs/infra/src/event-log/envelope';
import { PostgresEventLog } from '../../libs/infra/src/event-log/postgres-event-log';
import { startProjector } from '../../libs/infra/src/projections/projector';
import { expectedReadModel, readModelOf } from '../support/read-model-snapshot';
import { waitForProjection } from '../support/projection-wait';
import { requestHistory } from '../support/request-history';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

it('projects requests, their approval chains and the role changes they caused: equal to the fold', async () => {
  const log = new PostgresEventLog(db.owner);
  const h = requestHistory();
  const service = { kind: 'service', service: 'seed' } as const;
  await log.append(companyStreamName(h.companyId), toEnvelopes(h.events, { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: h.companyId } }), { expected: 'no_stream' });
  const projector = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner);
  await projector.stop();

  const { rows } = await db.owner.query(
    `SELECT r.id, r.requester_id, r.target_user_id, r.diff, r.status, r.approval_flow, r.decided_at, r.decision_by, r.created_at,
            d.reason, d.expires_at, d.decision_reason, v.revision
       FROM permission_change_requests r JOIN permission_change_request_details d ON d.request_id = r.id
       LEFT JOIN entity_revisions v ON v.entity_type = 'permission_change_request' AND v.entity_id = r.id
      WHERE r.company_id = $1`,
    [h.companyId],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  expect(byId.size).toBe(h.state.requests.size);
  for (const request of h.state.requests.values()) {
    const row = byId.get(request.requestId)!;
    expect({
      requester: row.requester_id, target: row.target_user_id, diff: row.diff, status: row.status, flow: row.approval_flow,
      decidedAt: row.decided_at?.toISOString() ?? null, decisionBy: row.decision_by, createdAt: row.created_at.toISOString(),
      reason: row.reason, expiresAt: row.expires_at.toISOString(), revision: row.revision,
    }).toEqual({
      requester: request.requesterId, target: request.targetUserId, diff: { grant: [...request.diff.grant], revoke: [...request.diff.revoke] },
      status: request.status, flow: request.approvalFlow, decidedAt: request.decidedAt, decisionBy: request.decisionBy,
      createdAt: request.requestedAt, reason: request.reason, expiresAt: request.expiresAt, revision: request.revision.toString(),
    });
  }
  expect(byId.get(h.ids.rejected)!.decision_reason).toBe('not needed');
  expect(await readModelOf(db.owner, [h.companyId])).toEqual(expectedReadModel([h.state]));
});
