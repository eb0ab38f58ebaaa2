import { randomUUID } from 'node:crypto';
import { companyStreamName } from '#domain';
import { toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
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

it('an approved request and the assignments it caused become visible in one projector transaction, even at batch size 1', async () => {
  const log = new PostgresEventLog(db.owner);
  const h = requestHistory();
  const service = { kind: 'service', service: 'seed' } as const;
  // Each command's events in their own append (transaction), as the API writes them.
  let expected: bigint | 'no_stream' = 'no_stream';
  for (const batch of h.batches.filter((b) => b.length > 0)) {
    const context = { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: h.companyId } };
    expected = (await log.append(companyStreamName(h.companyId), toEnvelopes(batch, context), { expected })).nextRevision;
  }
  expect(h.batches.some((b) => b.length === 3 && b[2]!.type === 'PermissionChangeApproved')).toBe(true);
  const projector = startProjector({ ownerPool: db.owner, log, batchSize: 1 });
  await waitForProjection(db.owner);
  await projector.stop();
  for (const requestId of [h.ids.approved, h.ids.elevated]) {
    const request = h.state.requests.get(requestId)!;
    const { rows } = await db.owner.query(
      `SELECT r.xmin::text AS request_tx, ur.xmin::text AS assignment_tx
         FROM permission_change_requests r
         JOIN roles ro ON ro.company_id = r.company_id AND ro.code = $2
         JOIN user_roles ur ON ur.user_id = r.target_user_id AND ur.role_id = ro.id
        WHERE r.id = $1`,
      [requestId, request.diff.grant[0]],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].request_tx).toBe(rows[0].assignment_tx);
  }
});
