// Events of the permission-change workflow. They live in the company stream
// (see decider.ts) so that the final approval and the role changes it causes
// are one atomic append.
import type { Event } from '../../shared/decider';

/** Role codes, not ids: the request reads like the change an admin reviews. */
export type RoleDiff = Readonly<{ grant: readonly string[]; revoke: readonly string[] }>;

export type ApprovalStepStatus = 'pending' | 'approved';

// The whole chain is fixed when the request is made, so a later policy change
// never alters what an in-flight request needs.
export type ApprovalStep = Readonly<{
  /** 1-based position in the chain. */
  step: number;
  approverRole: string;
  status: ApprovalStepStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}>;

export type PermissionChangeRequested = Event<
  'PermissionChangeRequested',
  {
    requestId: string;
    companyId: string;
    requesterId: string;
    targetUserId: string;
    diff: RoleDiff;
    reason: string;
    approvalFlow: readonly ApprovalStep[];
    requestedAt: string;
    expiresAt: string;
  }
>;

export type PermissionChangeStepApproved = Event<
  'PermissionChangeStepApproved',
  { requestId: string; companyId: string; step: number; approvedBy: string; approvedAt: string; comment: string | null }
>;

// Always appended after the RoleGranted/RoleRevoked events it caused, in the
// same batch, so "approved" is never observable without its effect.
export type PermissionChangeApproved = Event<
  'PermissionChangeApproved',
  { requestId: string; companyId: string; decidedBy: string; decidedAt: string }
>;

export type PermissionChangeRejected = Event<
  'PermissionChangeRejected',
  { requestId: string; companyId: string; rejectedBy: string; reason: string; decidedAt: string }
>;

export type PermissionChangeCancelled = Event<
  'PermissionChangeCancelled',
  { requestId: string; companyId: string; cancelledBy: string; decidedAt: string }
>;

export type PermissionChangeExpired = Event<
  'PermissionChangeExpired',
  { requestId: string; companyId: string; expiredAt: string }
>;

export type PermissionRequestEvent =
  | PermissionChangeRequested
  | PermissionChangeStepApproved
  | PermissionChangeApproved
  | PermissionChangeRejected
  | PermissionChangeCancelled
  | PermissionChangeExpired;

export type PermissionRequestEventType = PermissionRequestEvent['type'];

export const PERMISSION_REQUEST_EVENT_TYPES: readonly PermissionRequestEventType[] = [
  'PermissionChangeRequested',
  'PermissionChangeStepApproved',
  'PermissionChangeApproved',
  'PermissionChangeRejected',
  'PermissionChangeCancelled',
  'PermissionChangeExpired',
];

export function isPermissionRequestEvent(event: Event): event is PermissionRequestEvent {
  return (PERMISSION_REQUEST_EVENT_TYPES as readonly string[]).includes(event.type);
}
