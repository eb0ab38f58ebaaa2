import { sql } from 'kysely';
import type { CompanyEvent } from '../../../domain/src';
import type { Trx } from '../database/database';
import { bumpRevision } from './entity-revisions';

export const REQUEST_ENTITY = 'permission_change_request';

export type RequestEvent = Extract<
  CompanyEvent,
  {
    type:
      | 'PermissionChangeRequested'
      | 'PermissionChangeStepApproved'
      | 'PermissionChangeApproved'
      | 'PermissionChangeRejected'
      | 'PermissionChangeCancelled'
      | 'PermissionChangeExpired';
  }
>;

async function decide(trx: Trx, requestId: string, status: string, decidedAt: string, decisionBy: string | null): Promise<void> {
  await trx
    .updateTable('permission_change_requests')
    .set({ status, decided_at: decidedAt, decision_by: decisionBy })
    .where('id', '=', requestId)
    .execute();
}

/** permission_change_requests (seed 004) and their details, from the request events. */
export async function applyRequestEvent(trx: Trx, event: RequestEvent, streamRevision: bigint): Promise<void> {
  const { requestId, companyId } = event.data;
  const entity = { type: REQUEST_ENTITY, id: requestId, companyId };
  switch (event.type) {
    case 'PermissionChangeRequested': {
      const d = event.data;
      await trx
        .insertInto('permission_change_requests')
        .values({
          id: requestId,
          company_id: companyId,
          requester_id: d.requesterId,
          target_user_id: d.targetUserId,
          diff: JSON.stringify({ grant: d.diff.grant, revoke: d.diff.revoke }),
          status: 'pending',
          approval_flow: JSON.stringify(d.approvalFlow),
          created_at: d.requestedAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await trx
        .insertInto('permission_change_request_details')
        .values({ request_id: requestId, company_id: companyId, reason: d.reason, expires_at: d.expiresAt })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .execute();
      await bumpRevision(trx, entity, streamRevision, true);
      return;
    }
    case 'PermissionChangeStepApproved': {
      const { step, approvedBy, approvedAt, comment } = event.data;
      const decided = JSON.stringify({ status: 'approved', decidedBy: approvedBy, decidedAt: approvedAt, comment });
      await trx
        .updateTable('permission_change_requests')
        .set({
          approval_flow: sql`jsonb_set(approval_flow, ${sql.lit(`{${step - 1}}`)}::text[], (approval_flow -> ${step - 1}::int) || ${decided}::jsonb)`,
        })
        .where('id', '=', requestId)
        .execute();
      break;
    }
    case 'PermissionChangeApproved':
      await decide(trx, requestId, 'approved', event.data.decidedAt, event.data.decidedBy);
      break;
    case 'PermissionChangeRejected':
      await decide(trx, requestId, 'rejected', event.data.decidedAt, event.data.rejectedBy);
      await trx.updateTable('permission_change_request_details').set({ decision_reason: event.data.reason }).where('request_id', '=', requestId).execute();
      break;
    case 'PermissionChangeCancelled':
      await decide(trx, requestId, 'cancelled', event.data.decidedAt, event.data.cancelledBy);
      break;
    case 'PermissionChangeExpired':
      await decide(trx, requestId, 'expired', event.data.expiredAt, null);
      break;
  }
  await bumpRevision(trx, entity, streamRevision, false);
}
