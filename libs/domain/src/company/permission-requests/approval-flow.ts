// The approval policy and who may act on a step. Kept apart from the deciders
// so the policy can change without touching the workflow.
import type { Actor } from '../../shared/decider';
import { Forbidden, Invalid } from '../../shared/domain-errors';
import { holdsRole } from '../authorization';
import type { ApprovalStep, RoleDiff } from './request-events';
import { ADMIN_ROLE_CODE, roleWithCode } from '../roles/role-rules';
import type { RequestState } from './request-state';
import type { RegisteredCompany } from '../state';

const pendingStep = (step: number, approverRole: string): ApprovalStep => ({
  step,
  approverRole,
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  comment: null,
});

/**
 * The company's approval policy: one administrator approves, except that
 * granting the administrator role takes two different administrators, because
 * an admin can change everything else (including this policy's inputs).
 */
export function approvalChainFor(diff: RoleDiff): readonly ApprovalStep[] {
  const steps = diff.grant.includes(ADMIN_ROLE_CODE) ? 2 : 1;
  return Array.from({ length: steps }, (_, index) => pendingStep(index + 1, ADMIN_ROLE_CODE));
}

type Parties = Pick<RequestState, 'requesterId' | 'targetUserId'>;

/** Holders of the role who may approve: nobody approves a change they asked for or benefit from. */
export function eligibleApprovers(company: RegisteredCompany, parties: Parties, approverRole: string): readonly string[] {
  const role = roleWithCode(company, approverRole);
  const holders = role === undefined ? [] : [...(company.holders.get(role.roleId) ?? [])];
  return holders.filter((userId) => userId !== parties.requesterId && userId !== parties.targetUserId && company.users.has(userId));
}

/**
 * How many steps can be given pairwise different approvers: a bipartite
 * matching (Kuhn's algorithm), so a future chain mixing approver roles is
 * judged correctly; counting people would not. Chains are a few steps long.
 */
export function distinctApproverCapacity(candidatesPerStep: readonly (readonly string[])[]): number {
  const stepOf = new Map<string, number>();
  const assign = (step: number, tried: Set<string>): boolean => {
    for (const person of candidatesPerStep[step] ?? []) {
      if (tried.has(person)) continue;
      tried.add(person);
      const owner = stepOf.get(person);
      if (owner === undefined || assign(owner, tried)) {
        stepOf.set(person, step);
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let step = 0; step < candidatesPerStep.length; step += 1) if (assign(step, new Set())) matched += 1;
  return matched;
}

/** Refuses up front a request nobody could ever complete, instead of letting it sit until it expires. */
export function assertEnoughApprovers(company: RegisteredCompany, parties: Parties, chain: readonly ApprovalStep[]): void {
  const available = distinctApproverCapacity(chain.map((step) => eligibleApprovers(company, parties, step.approverRole)));
  if (available < chain.length) {
    throw new Invalid('not_enough_approvers', 'Not enough distinct eligible approvers for this request', {
      needed: chain.length,
      available,
    });
  }
}

/** The step awaiting a decision: steps are approved strictly in order. */
export function currentStep(request: RequestState): ApprovalStep | undefined {
  return request.approvalFlow.find((step) => step.status === 'pending');
}

/** Shared by approve and reject: whoever may say yes may also say no. Returns the approver's user id. */
export function requireEligibleApprover(
  company: RegisteredCompany,
  request: RequestState,
  step: ApprovalStep,
  actor: Actor,
): string {
  // Operator tooling has no identity to hold accountable for a review.
  if (actor.kind !== 'user') throw new Forbidden('user_only', 'Requests are decided by people, not by operator tooling');
  if (actor.companyId !== company.companyId || !company.users.has(actor.userId)) {
    throw new Forbidden('not_approver', 'Only members of this company may decide its requests');
  }
  const { userId } = actor;
  if (userId === request.requesterId) throw new Forbidden('own_request', 'You cannot decide your own request');
  if (userId === request.targetUserId) throw new Forbidden('own_elevation', 'You cannot decide a change to your own roles');
  if (request.approvalFlow.some((done) => done.status === 'approved' && done.decidedBy === userId)) {
    throw new Forbidden('already_approved_step', 'Each step must be approved by a different person');
  }
  if (!holdsRole(company, userId, step.approverRole)) {
    throw new Forbidden('not_approver', `Step ${step.step} must be decided by a holder of ${step.approverRole}`, {
      approverRole: step.approverRole,
    });
  }
  return userId;
}
