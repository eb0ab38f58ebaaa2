import type { PermissionRequestEvent } from '#domain';
import { bumpRevision } from './entity-revisions';
import { insertIfAbsent } from './projection';
import type { ApprovalStepRow } from '../database/schema';
import type { RowStore } from './row-store';

export const REQUEST_ENTITY = 'permission_change_request';

export type RequestEvent = PermissionRequestEvent;

const REQUESTS = 'permission_change_requests';
const DETAILS = 'permission_change_request_details';

function recordDecision(rows: RowStore, requestId: string, status: string, decidedAt: string, decisionBy: string | null): Promise<void> {
  return rows.patch(REQUESTS, { id: requestId }, { status, decided_at: decidedAt, decision_by: decisionBy });
}

/** permission_change_requests (seed 004) and their details, from the request events. */
export async function applyRequestEvent(rows: RowStore, event: RequestEvent, streamRevision: bigint): Promise<void> {
  const { requestId, companyId } = event.data;
  const entity = { type: REQUEST_ENTITY, id: requestId, companyId };
  switch (event.type) {
    case 'PermissionChangeRequested': {
      const d = event.data;
      await insertIfAbsent(rows, REQUESTS, {
        id: requestId,
        company_id: companyId,
        requester_id: d.requesterId,
        target_user_id: d.targetUserId,
        diff: { grant: d.diff.grant, revoke: d.diff.revoke },
        status: 'pending',
        approval_flow: d.approvalFlow,
        decided_at: null,
        decision_by: null,
        created_at: d.requestedAt,
      });
      await insertIfAbsent(rows, DETAILS, { request_id: requestId, company_id: companyId, reason: d.reason, expires_at: d.expiresAt, decision_reason: null });
      await bumpRevision(rows, entity, streamRevision, true);
      return;
    }
    case 'PermissionChangeStepApproved': {
      const { step, approvedBy, approvedAt, comment } = event.data;
      const request = await rows.get(REQUESTS, { id: requestId });
      if (request) {
        // The step keeps what the request said of it (who may approve) and gains its decision.
        // Held rows keep jsonb parsed (as this projection put it, or as PostgreSQL returned it).
        const flow = [...(request.approval_flow as readonly ApprovalStepRow[])];
        flow[step - 1] = { ...flow[step - 1]!, status: 'approved', decidedBy: approvedBy, decidedAt: approvedAt, comment };
        rows.put(REQUESTS, { ...request, approval_flow: flow });
      }
      break;
    }
    case 'PermissionChangeApproved':
      await recordDecision(rows, requestId, 'approved', event.data.decidedAt, event.data.decidedBy);
      break;
    case 'PermissionChangeRejected':
      await recordDecision(rows, requestId, 'rejected', event.data.decidedAt, event.data.rejectedBy);
      await rows.patch(DETAILS, { request_id: requestId }, { decision_reason: event.data.reason });
      break;
    case 'PermissionChangeCancelled':
      await recordDecision(rows, requestId, 'cancelled', event.data.decidedAt, event.data.cancelledBy);
      break;
    case 'PermissionChangeExpired':
      await recordDecision(rows, requestId, 'expired', event.data.expiredAt, null);
      break;
  }
  await bumpRevision(rows, entity, streamRevision, false);
}
