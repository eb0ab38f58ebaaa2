// Opening and closing permission-change requests without approving them:
// request, cancel and expire. Approve and reject live in decide-request-decisions.ts.
import { Conflict, Forbidden, Invalid, InvalidTransition } from '../../shared/domain-errors';
import { assertEnoughApprovers, approvalChainFor } from './approval-flow';
import { requireCompany, requireService } from '../authorization';
import type { CancelRequest, ExpireRequest, RequestPermissionChange } from './request-commands';
import type { PermissionChangeCancelled, PermissionChangeExpired, PermissionChangeRequested } from './request-events';
import { normalizeReason, requireId } from '../input-rules';
import {
  diffProblem,
  isOverdue,
  normalizeDiff,
  requireMember,
  requireOpen,
  requireRequest,
  resolveExpiry,
} from './request-rules';
import type { CompanyState } from '../state';

// Any member may ask, for themselves or a colleague: the approval chain, not
// the request, is where privilege is checked.
export function requestPermissionChange(
  command: RequestPermissionChange,
  state: CompanyState,
): readonly PermissionChangeRequested[] {
  const company = requireCompany(state);
  const requesterId = requireMember(company, command.metadata.actor);
  const { data } = command;
  const requestId = requireId(data.requestId, 'requestId');
  if (company.requests.has(requestId)) {
    throw new Conflict('request_exists', 'A request with this id already exists', { requestId });
  }
  const { targetUserId } = data;
  // Invalid rather than NotFound: the addressed resource (the company) exists;
  // the input names someone who cannot be a target.
  if (!company.users.has(targetUserId)) {
    throw new Invalid('target_not_found', 'The target is not a user of this company', { targetUserId });
  }
  const reason = normalizeReason(data.reason);
  const diff = normalizeDiff(data.grant, data.revoke);
  const problem = diffProblem(company, targetUserId, diff);
  if (problem !== undefined) throw new Invalid(problem.code, problem.message, problem.details);
  const now = command.metadata.now;
  const expiresAt = resolveExpiry(data.expiresAt, now);
  const approvalFlow = approvalChainFor(diff);
  assertEnoughApprovers(company, { requesterId, targetUserId }, approvalFlow);

  return [
    {
      type: 'PermissionChangeRequested',
      data: {
        requestId,
        companyId: company.companyId,
        requesterId,
        targetUserId,
        diff,
        reason,
        approvalFlow,
        requestedAt: now,
        expiresAt,
      },
    },
  ];
}

// Overdue requests are refused too (request_expired): past the deadline the
// only outcome is Expired, so the audit trail does not depend on scheduler lag.
export function cancelRequest(command: CancelRequest, state: CompanyState): readonly PermissionChangeCancelled[] {
  const company = requireCompany(state);
  const request = requireRequest(company, command.data.requestId);
  const { actor, now } = command.metadata;
  if (actor.kind !== 'user' || actor.companyId !== company.companyId || actor.userId !== request.requesterId) {
    throw new Forbidden('not_requester', 'Only the requester may cancel a request');
  }
  requireOpen(request, now);
  return [
    {
      type: 'PermissionChangeCancelled',
      data: { requestId: request.requestId, companyId: company.companyId, cancelledBy: actor.userId, decidedAt: now },
    },
  ];
}

// Only the scheduler expires requests, so an expiry is never someone's decision.
export function expireRequest(command: ExpireRequest, state: CompanyState): readonly PermissionChangeExpired[] {
  const company = requireCompany(state);
  requireService(command.metadata.actor, 'Expiring requests');
  const request = requireRequest(company, command.data.requestId);
  const { now } = command.metadata;
  if (request.status !== 'pending') {
    throw new InvalidTransition('request_decided', `The request is already ${request.status}`, { status: request.status });
  }
  if (!isOverdue(request, now)) {
    throw new InvalidTransition('not_expired', 'The request has not reached its deadline', { expiresAt: request.expiresAt });
  }
  return [
    { type: 'PermissionChangeExpired', data: { requestId: request.requestId, companyId: company.companyId, expiredAt: now } },
  ];
}
