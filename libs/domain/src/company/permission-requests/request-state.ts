// How permission-change requests are folded into the company state.
import { assertNever } from '../../shared/decider';
import type { PersistentMap } from '../../shared/persistent-map';
import type { ApprovalStep, PermissionRequestEvent, RoleDiff } from './request-events';

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired';

export type RequestState = Readonly<{
  requestId: string;
  requesterId: string;
  targetUserId: string;
  diff: RoleDiff;
  reason: string;
  status: RequestStatus;
  approvalFlow: readonly ApprovalStep[];
  requestedAt: string;
  expiresAt: string;
  decidedAt: string | null;
  /** Who approved (last step), rejected or cancelled; null while pending and for expiry. */
  decisionBy: string | null;
  /**
   * 1n once requested, +1n per later PermissionChange* event about it; the
   * optimistic-concurrency token for approve/reject. The RoleGranted/RoleRevoked
   * events an approval causes are about roles, not the request, so they do not count.
   */
  revision: bigint;
}>;

export type RequestMap = PersistentMap<string, RequestState>;

function decided(request: RequestState, status: RequestStatus, decidedAt: string, decisionBy: string | null): RequestState {
  return { ...request, status, decidedAt, decisionBy, revision: request.revision + 1n };
}

function approveStep(request: RequestState, step: number, by: string, at: string, comment: string | null): RequestState {
  const approvalFlow = request.approvalFlow.map(
    (entry): ApprovalStep =>
      entry.step === step ? { ...entry, status: 'approved', decidedBy: by, decidedAt: at, comment } : entry,
  );
  return { ...request, approvalFlow, revision: request.revision + 1n };
}

function next(request: RequestState, event: Exclude<PermissionRequestEvent, { type: 'PermissionChangeRequested' }>): RequestState {
  switch (event.type) {
    case 'PermissionChangeStepApproved': {
      const { step, approvedBy, approvedAt, comment } = event.data;
      return approveStep(request, step, approvedBy, approvedAt, comment);
    }
    case 'PermissionChangeApproved':
      return decided(request, 'approved', event.data.decidedAt, event.data.decidedBy);
    case 'PermissionChangeRejected':
      return decided(request, 'rejected', event.data.decidedAt, event.data.rejectedBy);
    case 'PermissionChangeCancelled':
      return decided(request, 'cancelled', event.data.decidedAt, event.data.cancelledBy);
    case 'PermissionChangeExpired':
      return decided(request, 'expired', event.data.expiredAt, null);
    default:
      return assertNever(event);
  }
}

/** Returns a new map (never mutates); events about unknown requests are ignored so replay stays total. */
export function evolveRequests(requests: RequestMap, event: PermissionRequestEvent): RequestMap {
  if (event.type === 'PermissionChangeRequested') {
    const { requestId, requesterId, targetUserId, diff, reason, approvalFlow, requestedAt, expiresAt } = event.data;
    return requests.set(requestId, {
      requestId,
      requesterId,
      targetUserId,
      diff,
      reason,
      status: 'pending',
      approvalFlow,
      requestedAt,
      expiresAt,
      decidedAt: null,
      decisionBy: null,
      revision: 1n,
    });
  }
  const current = requests.get(event.data.requestId);
  if (current === undefined) return requests;
  return requests.set(current.requestId, next(current, event));
}
