// Builders for the permission-request specs. Not part of the public API.
import type { Actor } from '../../src/shared/decider';
import type { CompanyCommand } from '../../src/company/commands';
import type { CompanyEvent } from '../../src/company/events';
import type { ApprovalStep, PermissionChangeRequested } from '../../src/company/permission-requests/request-events';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  bootstrap,
  COMPANY_ID,
  MEMBER_ID,
  NEW_USER_ID,
  NOW,
  OTHER_ROLE_ID,
  ROLE_ID,
  roleDefined,
  roleGranted,
  SECOND_ADMIN_ID,
  userRegistered,
  uuid,
} from './company-fixtures';

export const REQUEST_ID = uuid(50);
export const OTHER_REQUEST_ID = uuid(51);
export const THIRD_ADMIN_ID = uuid(14);
/** A plain member besides MEMBER_ID. */
export const COLLEAGUE_ID = NEW_USER_ID;
export const IN_7_DAYS = '2025-03-11T05:06:07.000Z';
export const IN_30_DAYS = '2025-04-03T05:06:07.000Z';

export const secondAdmin = asUser(SECOND_ADMIN_ID);
export const thirdAdmin = asUser(THIRD_ADMIN_ID);
export const colleague = asUser(COLLEAGUE_ID);

/** Three admins (ADMIN, SECOND_ADMIN, THIRD_ADMIN), two members (MEMBER, COLLEAGUE), roles "ops" and "dev". */
export const team: readonly CompanyEvent[] = [
  ...bootstrap,
  userRegistered(MEMBER_ID, 'member@acme.test'),
  userRegistered(COLLEAGUE_ID, 'colleague@acme.test'),
  userRegistered(SECOND_ADMIN_ID, 'second@acme.test'),
  userRegistered(THIRD_ADMIN_ID, 'third@acme.test'),
  roleDefined(ROLE_ID, 'ops'),
  roleDefined(OTHER_ROLE_ID, 'dev'),
  roleGranted(SECOND_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin'),
  roleGranted(THIRD_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin'),
];

/** Re-times and/or re-attributes a command. */
export const by = <C extends CompanyCommand>(command: C, actor: Actor, now: string = command.metadata.now): C => ({
  ...command,
  metadata: { actor, now },
});
export const at = <C extends CompanyCommand>(command: C, now: string): C => by(command, command.metadata.actor, now);

export const step = (n: number, overrides: Partial<ApprovalStep> = {}): ApprovalStep => ({
  step: n,
  approverRole: 'Vibot.admin',
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  comment: null,
  ...overrides,
});

type RequestedData = PermissionChangeRequested['data'];

/** Defaults: MEMBER asks for "ops" for themselves, one admin step, 7 days. */
export const requested = (overrides: Partial<Omit<RequestedData, 'companyId'>> = {}): CompanyEvent => ({
  type: 'PermissionChangeRequested',
  data: {
    requestId: REQUEST_ID,
    companyId: COMPANY_ID,
    requesterId: MEMBER_ID,
    targetUserId: MEMBER_ID,
    diff: { grant: ['ops'], revoke: [] },
    reason: 'on call',
    approvalFlow: [step(1)],
    requestedAt: NOW,
    expiresAt: IN_7_DAYS,
    ...overrides,
  },
});

type Options = Readonly<{ requestId?: string; at?: string }>;

export const stepApproved = (
  n: number,
  approvedBy: string,
  { comment = null, requestId = REQUEST_ID, at = NOW }: Options & { comment?: string | null } = {},
): CompanyEvent => ({
  type: 'PermissionChangeStepApproved',
  data: { requestId, companyId: COMPANY_ID, step: n, approvedBy, approvedAt: at, comment },
});

export const approved = (decidedBy: string, { requestId = REQUEST_ID, at = NOW }: Options = {}): CompanyEvent => ({
  type: 'PermissionChangeApproved',
  data: { requestId, companyId: COMPANY_ID, decidedBy, decidedAt: at },
});

export const rejected = (
  rejectedBy: string,
  { reason = 'not needed', requestId = REQUEST_ID, at = NOW }: Options & { reason?: string } = {},
): CompanyEvent => ({
  type: 'PermissionChangeRejected',
  data: { requestId, companyId: COMPANY_ID, rejectedBy, reason, decidedAt: at },
});

export const cancelled = (cancelledBy: string = MEMBER_ID, { requestId = REQUEST_ID, at = NOW }: Options = {}): CompanyEvent => ({
  type: 'PermissionChangeCancelled',
  data: { requestId, companyId: COMPANY_ID, cancelledBy, decidedAt: at },
});

export const expired = ({ requestId = REQUEST_ID, at = IN_7_DAYS }: Options = {}): CompanyEvent => ({
  type: 'PermissionChangeExpired',
  data: { requestId, companyId: COMPANY_ID, expiredAt: at },
});

/** The default request, approved in one step by ADMIN. */
export const approvedHistory: readonly CompanyEvent[] = [
  ...team,
  requested(),
  stepApproved(1, ADMIN_ID),
  roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
  approved(ADMIN_ID),
];
