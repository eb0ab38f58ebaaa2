import { Conflict, Forbidden, Invalid, InvalidTransition, NotFound } from '../../shared/domain-errors';
import { holdsRole } from '../authorization';
import type { CompanyEvent } from '../events';
import {
  approved,
  approvedHistory,
  at,
  cancelled,
  COLLEAGUE_ID,
  expired,
  IN_7_DAYS,
  REQUEST_ID,
  rejected,
  requested,
  secondAdmin,
  step,
  stepApproved,
  team,
  thirdAdmin,
  THIRD_ADMIN_ID,
} from '../../../test/company/request-fixtures';
import {
  admin,
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  cmd,
  MEMBER_ID,
  NOW,
  OTHER_COMPANY_ID,
  OTHER_ROLE_ID,
  ROLE_ID,
  roleDeleted,
  roleGranted,
  roleRevoked,
  SECOND_ADMIN_ID,
  service,
  spec,
  uuid,
} from '../../../test/company/company-fixtures';

const approve = (actor = admin, data: { comment?: string | null; expectedRevision?: bigint } = {}) =>
  cmd('ApproveRequest', { requestId: REQUEST_ID, ...data }, actor);

const pending = [...team, requested()];
const adminGrant = { diff: { grant: ['Vibot.admin'], revoke: [] }, approvalFlow: [step(1), step(2)] };
const twoStep = [...team, requested(adminGrant)];

describe('ApproveRequest: single step', () => {
  it('approves the step, applies the diff with the request id and decides the request, in one batch', () => {
    const { state } = spec.given(pending).when(approve()).then([
      stepApproved(1, ADMIN_ID),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      approved(ADMIN_ID),
    ]);
    expect(holdsRole(state, MEMBER_ID, 'ops')).toBe(true);
    if (state.status !== 'registered') throw new Error('expected a company');
    expect(state.requests.get(REQUEST_ID)).toMatchObject({
      status: 'approved',
      decidedAt: NOW,
      decisionBy: ADMIN_ID,
      revision: 3n,
      approvalFlow: [step(1, { status: 'approved', decidedBy: ADMIN_ID, decidedAt: NOW })],
    });
  });

  it('emits grants before revokes, each in the order requested', () => {
    const diff = { grant: ['dev', 'ops'], revoke: ['Vibot.admin'] };
    const given = [...team, requested({ targetUserId: SECOND_ADMIN_ID, diff })];
    spec.given(given).when(approve()).then([
      stepApproved(1, ADMIN_ID),
      roleGranted(SECOND_ADMIN_ID, OTHER_ROLE_ID, 'dev', 'on call', REQUEST_ID),
      roleGranted(SECOND_ADMIN_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      roleRevoked(SECOND_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'on call', REQUEST_ID),
      approved(ADMIN_ID),
    ]);
  });

  it('keeps a trimmed comment, stores a blank one as null and refuses one over 2000 characters', () => {
    spec.given(pending).when(approve(admin, { comment: ' ok ' })).then([
      stepApproved(1, ADMIN_ID, { comment: 'ok' }),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      approved(ADMIN_ID),
    ]);
    const { events } = spec.given(pending).when(approve(admin, { comment: '  ' })).then([
      stepApproved(1, ADMIN_ID),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      approved(ADMIN_ID),
    ]);
    expect(events).toHaveLength(3);
    spec.given(pending).when(approve(admin, { comment: 'c'.repeat(2001) })).thenThrows(Invalid, 'invalid_comment');
  });

  it('uses the approval time for the step, the role change and the decision', () => {
    const later = '2025-03-05T00:00:00.000Z';
    const { events } = spec.given(pending).when(at(approve(), later)).then([
      stepApproved(1, ADMIN_ID, { at: later }),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID, later),
      approved(ADMIN_ID, { at: later }),
    ]);
    expect(events).toHaveLength(3);
  });
});

describe('ApproveRequest: two steps (granting Vibot.admin)', () => {
  it('applies nothing after the first step', () => {
    const { state } = spec.given(twoStep).when(approve()).then([stepApproved(1, ADMIN_ID)]);
    expect(holdsRole(state, MEMBER_ID, 'Vibot.admin')).toBe(false);
    expect(state.status === 'registered' && state.requests.get(REQUEST_ID)).toMatchObject({ status: 'pending', revision: 2n });
  });

  it('applies the diff when a different admin approves the second step', () => {
    const { state } = spec.given([...twoStep, stepApproved(1, ADMIN_ID)]).when(approve(secondAdmin)).then([
      stepApproved(2, SECOND_ADMIN_ID),
      roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'on call', REQUEST_ID),
      approved(SECOND_ADMIN_ID),
    ]);
    expect(holdsRole(state, MEMBER_ID, 'Vibot.admin')).toBe(true);
  });

  it('refuses the first step approver on the second step', () => {
    spec.given([...twoStep, stepApproved(1, ADMIN_ID)]).when(approve()).thenThrows(Forbidden, 'already_approved_step');
  });
});

describe('ApproveRequest: who may approve', () => {
  it('refuses service actors, non-members and members without the approver role', () => {
    spec.given(pending).when(approve(service)).thenThrows(Forbidden, 'user_only');
    spec.given(pending).when(approve(asUser(ADMIN_ID, OTHER_COMPANY_ID))).thenThrows(Forbidden, 'not_approver');
    spec.given(pending).when(approve(asUser(uuid(99)))).thenThrows(Forbidden, 'not_approver');
    spec.given(pending).when(approve(asUser(COLLEAGUE_ID))).thenThrows(Forbidden, 'not_approver');
  });

  it('refuses an admin who lost the role after the request was made', () => {
    const given = [...pending, roleRevoked(THIRD_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin')];
    spec.given(given).when(approve(thirdAdmin)).thenThrows(Forbidden, 'not_approver');
  });

  it('refuses the requester, even an admin', () => {
    const given = [...team, requested({ requesterId: ADMIN_ID, targetUserId: COLLEAGUE_ID })];
    spec.given(given).when(approve(admin)).thenThrows(Forbidden, 'own_request');
    spec.given(given).when(approve(secondAdmin)).then([
      stepApproved(1, SECOND_ADMIN_ID),
      roleGranted(COLLEAGUE_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      approved(SECOND_ADMIN_ID),
    ]);
  });

  it('refuses the target, even an admin', () => {
    const given = [...team, requested({ targetUserId: SECOND_ADMIN_ID })];
    spec.given(given).when(approve(secondAdmin)).thenThrows(Forbidden, 'own_elevation');
  });
});

describe('ApproveRequest: lifecycle and concurrency', () => {
  it('needs an existing request', () => {
    spec.given(team).when(approve()).thenThrows(NotFound, 'request_not_found');
    spec.given([]).when(approve()).thenThrows(NotFound, 'company_not_found');
  });

  it.each([
    ['approved', approvedHistory],
    ['rejected', [...pending, rejected(ADMIN_ID)]],
    ['cancelled', [...pending, cancelled()]],
    ['expired', [...pending, expired()]],
  ])('refuses a request already %s', (status, given) => {
    const error = spec.given(given).when(approve(secondAdmin)).thenThrows(InvalidTransition, 'request_decided');
    expect(error.details).toEqual({ status });
  });

  it('refuses once the deadline is reached, even before the expiry is recorded', () => {
    spec.given(pending).when(at(approve(), IN_7_DAYS)).thenThrows(InvalidTransition, 'request_expired');
    const justBefore = '2025-03-11T05:06:06.999Z';
    spec.given(pending).when(at(approve(), justBefore)).then([
      stepApproved(1, ADMIN_ID, { at: justBefore }),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID, justBefore),
      approved(ADMIN_ID, { at: justBefore }),
    ]);
  });

  it('refuses a stale expected revision and reports the current one', () => {
    const given = [...twoStep, stepApproved(1, ADMIN_ID)];
    const error = spec.given(given).when(approve(secondAdmin, { expectedRevision: 1n })).thenThrows(Conflict, 'stale_revision');
    expect(error.currentRevision).toBe(2n);
    spec.given(given).when(approve(secondAdmin, { expectedRevision: 2n })).then([
      stepApproved(2, SECOND_ADMIN_ID),
      roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'on call', REQUEST_ID),
      approved(SECOND_ADMIN_ID),
    ]);
  });
});

// The final approval re-checks the diff against the company as it is now and
// emits nothing if it no longer applies; the request stays pending.
describe('ApproveRequest: re-check on the last step', () => {
  const rule = (given: readonly CompanyEvent[], actor = admin) =>
    spec.given(given).when(approve(actor)).thenThrows(Conflict, 'request_no_longer_applicable').details;

  it('refuses when a requested role was deleted', () => {
    expect(rule([...pending, roleDeleted(ROLE_ID, 'ops')])).toEqual({ rule: 'role_not_found', codes: ['ops'] });
  });

  it('refuses when a granted role is already held', () => {
    expect(rule([...pending, roleGranted(MEMBER_ID, ROLE_ID, 'ops')])).toEqual({ rule: 'already_granted', codes: ['ops'] });
  });

  it('refuses when a revoked role is no longer held', () => {
    const given = [
      ...team,
      roleGranted(MEMBER_ID, ROLE_ID, 'ops'),
      requested({ diff: { grant: [], revoke: ['ops'] } }),
      roleRevoked(MEMBER_ID, ROLE_ID, 'ops'),
    ];
    expect(rule(given)).toEqual({ rule: 'not_granted', codes: ['ops'] });
  });

  it('re-checks only on the last step: an earlier step still goes through', () => {
    const given = [...twoStep, roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin')];
    spec.given(given).when(approve()).then([stepApproved(1, ADMIN_ID)]);
    expect(rule([...given, stepApproved(1, ADMIN_ID)], secondAdmin)).toEqual({ rule: 'already_granted', codes: ['Vibot.admin'] });
  });

  it('leaves the request pending and approvable once the obstacle is gone', () => {
    const given = [...pending, roleGranted(MEMBER_ID, ROLE_ID, 'ops'), roleRevoked(MEMBER_ID, ROLE_ID, 'ops')];
    spec.given(given).when(approve()).then([
      stepApproved(1, ADMIN_ID),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call', REQUEST_ID),
      approved(ADMIN_ID),
    ]);
  });
});
