// Approving and rejecting permission-change requests.
import { Conflict } from '../../shared/domain-errors';
import { currentStep, requireEligibleApprover } from './approval-flow';
import { requireCompany } from '../authorization';
import type { CompanyEvent, RoleGranted, RoleRevoked } from '../events';
import { normalizeReason } from '../input-rules';
import type { ApproveRequest, RejectRequest } from './request-commands';
import type { ApprovalStep, PermissionChangeRejected, PermissionChangeStepApproved } from './request-events';
import {
  assertRequestRevision,
  diffProblem,
  normalizeComment,
  requireOpen,
  requireRequest,
} from './request-rules';
import type { RequestState } from './request-state';
import { roleWithCode } from '../roles/role-rules';
import type { CompanyState, RegisteredCompany } from '../state';

type OpenStep = Readonly<{ company: RegisteredCompany; request: RequestState; step: ApprovalStep; approverId: string }>;

// Checks common to approve and reject, in the order a client can act on:
// existence, lifecycle, staleness, then who is asking.
function openStep(
  command: ApproveRequest | RejectRequest,
  state: CompanyState,
): OpenStep {
  const company = requireCompany(state);
  const request = requireRequest(company, command.data.requestId);
  requireOpen(request, command.metadata.now);
  assertRequestRevision(request, command.data.expectedRevision);
  const step = currentStep(request);
  // A pending request always has a pending step: the last approval decides it in the same batch.
  if (step === undefined) throw new Error(`Pending request ${request.requestId} has no pending step`);
  const approverId = requireEligibleApprover(company, request, step, command.metadata.actor);
  return { company, request, step, approverId };
}

// Grants come before revokes so that a projection applying them one by one
// never passes through a state with fewer roles than both ends of the change.
function applyDiff(company: RegisteredCompany, request: RequestState, now: string): readonly (RoleGranted | RoleRevoked)[] {
  const common = (code: string) => {
    const role = roleWithCode(company, code);
    // diffProblem() has just confirmed every code resolves.
    if (role === undefined) throw new Error(`Role ${code} vanished between check and apply`);
    return {
      userId: request.targetUserId,
      roleId: role.roleId,
      companyId: company.companyId,
      roleCode: role.code,
      reason: request.reason,
      requestId: request.requestId,
    };
  };
  return [
    ...request.diff.grant.map((code): RoleGranted => ({ type: 'RoleGranted', data: { ...common(code), grantedAt: now } })),
    ...request.diff.revoke.map((code): RoleRevoked => ({ type: 'RoleRevoked', data: { ...common(code), revokedAt: now } })),
  ];
}

/**
 * Approves the current step. The last approval also applies the diff, in one
 * batch: StepApproved, RoleGranted/RoleRevoked..., PermissionChangeApproved.
 * If the company changed so that the diff no longer applies, it throws
 * Conflict 'request_no_longer_applicable' (details.rule names the broken rule)
 * and emits nothing: the approver did nothing wrong, the world moved on, and
 * the request stays pending so it can be rejected, cancelled or expire.
 */
export function approveRequest(command: ApproveRequest, state: CompanyState): readonly CompanyEvent[] {
  const { company, request, step, approverId } = openStep(command, state);
  const comment = normalizeComment(command.data.comment);
  const { now } = command.metadata;
  const stepApproved: PermissionChangeStepApproved = {
    type: 'PermissionChangeStepApproved',
    data: { requestId: request.requestId, companyId: company.companyId, step: step.step, approvedBy: approverId, approvedAt: now, comment },
  };
  const isLastStep = request.approvalFlow.every((other) => other.step === step.step || other.status === 'approved');
  if (!isLastStep) return [stepApproved];

  const problem = diffProblem(company, request.targetUserId, request.diff);
  if (problem !== undefined) {
    throw new Conflict('request_no_longer_applicable', `The request can no longer be applied: ${problem.message}`, {
      rule: problem.code,
      ...problem.details,
    });
  }
  return [
    stepApproved,
    ...applyDiff(company, request, now),
    {
      type: 'PermissionChangeApproved',
      data: { requestId: request.requestId, companyId: company.companyId, decidedBy: approverId, decidedAt: now },
    },
  ];
}

/** One eligible approver's "no" ends the request, whatever step it is at. */
export function rejectRequest(command: RejectRequest, state: CompanyState): readonly PermissionChangeRejected[] {
  const { company, request, approverId } = openStep(command, state);
  const reason = normalizeReason(command.data.reason);
  return [
    {
      type: 'PermissionChangeRejected',
      data: {
        requestId: request.requestId,
        companyId: company.companyId,
        rejectedBy: approverId,
        reason,
        decidedAt: command.metadata.now,
      },
    },
  ];
}
