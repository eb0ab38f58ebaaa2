import { Conflict, Forbidden, Invalid, InvalidTransition, NotFound } from '../../shared/domain-errors';
import { holdsRole } from '../authorization';
import {
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
} from '../../../test/company/request-fixtures';
import {
  admin,
  ADMIN_ID,
  asUser,
  cmd,
  member,
  MEMBER_ID,
  NOW,
  OTHER_COMPANY_ID,
  SECOND_ADMIN_ID,
  service,
  spec,
} from '../../../test/company/company-fixtures';

const pending = [...team, requested()];
const twoStep = [...team, requested({ diff: { grant: ['Vibot.admin'], revoke: [] }, approvalFlow: [step(1), step(2)] })];
const decidedHistories = [
  ['approved', approvedHistory],
  ['rejected', [...pending, rejected(ADMIN_ID)]],
  ['cancelled', [...pending, cancelled()]],
  ['expired', [...pending, expired()]],
] as const;

describe('RejectRequest', () => {
  const reject = (actor = admin, reason = ' not needed ', expectedRevision?: bigint) =>
    cmd('RejectRequest', { requestId: REQUEST_ID, reason, ...(expectedRevision === undefined ? {} : { expectedRevision }) }, actor);

  it('rejects with a trimmed reason and changes no role', () => {
    const { state } = spec.given(pending).when(reject()).then([rejected(ADMIN_ID)]);
    expect(holdsRole(state, MEMBER_ID, 'ops')).toBe(false);
    expect(state.status === 'registered' && state.requests.get(REQUEST_ID)).toMatchObject({
      status: 'rejected',
      decidedAt: NOW,
      decisionBy: ADMIN_ID,
      revision: 2n,
      approvalFlow: [step(1)],
    });
  });

  it('can end a two-step request at its second step, by another admin', () => {
    const given = [...twoStep, stepApproved(1, ADMIN_ID)];
    spec.given(given).when(reject(secondAdmin)).then([rejected(SECOND_ADMIN_ID)]);
    spec.given(given).when(reject(admin)).thenThrows(Forbidden, 'already_approved_step');
  });

  it.each([['blank', '  '], ['2001 characters', 'r'.repeat(2001)]])('requires a reason, not %s', (_label, reason) => {
    spec.given(pending).when(reject(admin, reason)).thenThrows(Invalid, 'invalid_reason');
  });

  it('uses the approver eligibility rules and codes', () => {
    spec.given(pending).when(reject(service)).thenThrows(Forbidden, 'user_only');
    spec.given(pending).when(reject(asUser(COLLEAGUE_ID))).thenThrows(Forbidden, 'not_approver');
    spec.given(pending).when(reject(asUser(ADMIN_ID, OTHER_COMPANY_ID))).thenThrows(Forbidden, 'not_approver');
    const byAdmin = [...team, requested({ requesterId: ADMIN_ID, targetUserId: SECOND_ADMIN_ID })];
    spec.given(byAdmin).when(reject(admin)).thenThrows(Forbidden, 'own_request');
    spec.given(byAdmin).when(reject(secondAdmin)).thenThrows(Forbidden, 'own_elevation');
  });

  it('refuses a missing, decided, overdue or stale request', () => {
    spec.given(team).when(reject()).thenThrows(NotFound, 'request_not_found');
    for (const [, given] of decidedHistories) spec.given(given).when(reject(secondAdmin)).thenThrows(InvalidTransition, 'request_decided');
    spec.given(pending).when(at(reject(), IN_7_DAYS)).thenThrows(InvalidTransition, 'request_expired');
    const error = spec.given(pending).when(reject(admin, 'no', 2n)).thenThrows(Conflict, 'stale_revision');
    expect(error.currentRevision).toBe(1n);
    spec.given(pending).when(reject(admin, 'not needed', 1n)).then([rejected(ADMIN_ID)]);
  });
});

describe('CancelRequest', () => {
  const cancel = (actor = member) => cmd('CancelRequest', { requestId: REQUEST_ID }, actor);

  it('lets the requester withdraw a pending request, even half-approved', () => {
    const { state } = spec.given(pending).when(cancel()).then([cancelled(MEMBER_ID)]);
    expect(state.status === 'registered' && state.requests.get(REQUEST_ID)).toMatchObject({
      status: 'cancelled',
      decisionBy: MEMBER_ID,
      decidedAt: NOW,
      revision: 2n,
    });
    spec.given([...twoStep, stepApproved(1, ADMIN_ID)]).when(cancel()).then([cancelled(MEMBER_ID)]);
  });

  it('is reserved to the requester', () => {
    const forTarget = [...team, requested({ targetUserId: COLLEAGUE_ID })];
    spec.given(forTarget).when(cancel(asUser(COLLEAGUE_ID))).thenThrows(Forbidden, 'not_requester');
    spec.given(pending).when(cancel(admin)).thenThrows(Forbidden, 'not_requester');
    spec.given(pending).when(cancel(service)).thenThrows(Forbidden, 'not_requester');
    spec.given(pending).when(cancel(asUser(MEMBER_ID, OTHER_COMPANY_ID))).thenThrows(Forbidden, 'not_requester');
  });

  it.each(decidedHistories)('refuses a request already %s', (_status, given) => {
    spec.given(given).when(cancel()).thenThrows(InvalidTransition, 'request_decided');
  });

  // Past the deadline the only outcome is Expired, whatever the scheduler's lag.
  it('refuses an overdue request', () => {
    spec.given(pending).when(at(cancel(), IN_7_DAYS)).thenThrows(InvalidTransition, 'request_expired');
  });

  it('needs an existing request', () => {
    spec.given(team).when(cancel()).thenThrows(NotFound, 'request_not_found');
  });
});

describe('ExpireRequest', () => {
  const expire = (now = IN_7_DAYS, actor = service) => at(cmd('ExpireRequest', { requestId: REQUEST_ID }, actor), now);

  it('expires a pending request at or after its deadline', () => {
    const { state } = spec.given(pending).when(expire()).then([expired()]);
    expect(state.status === 'registered' && state.requests.get(REQUEST_ID)).toMatchObject({
      status: 'expired',
      decidedAt: IN_7_DAYS,
      decisionBy: null,
      revision: 2n,
    });
    spec.given([...twoStep, stepApproved(1, ADMIN_ID)]).when(expire('2025-04-01T00:00:00.000Z')).then([
      expired({ at: '2025-04-01T00:00:00.000Z' }),
    ]);
  });

  it('refuses before the deadline', () => {
    spec.given(pending).when(expire('2025-03-11T05:06:06.999Z')).thenThrows(InvalidTransition, 'not_expired');
  });

  it.each(decidedHistories)('refuses a request already %s', (_status, given) => {
    spec.given(given).when(expire('2025-05-01T00:00:00.000Z')).thenThrows(InvalidTransition, 'request_decided');
  });

  it('is reserved to service actors', () => {
    spec.given(pending).when(expire(IN_7_DAYS, admin)).thenThrows(Forbidden, 'service_only');
    spec.given(pending).when(expire(IN_7_DAYS, member)).thenThrows(Forbidden, 'service_only');
  });

  it('needs an existing request in a registered company', () => {
    spec.given(team).when(expire()).thenThrows(NotFound, 'request_not_found');
    spec.given([]).when(expire()).thenThrows(NotFound, 'company_not_found');
  });
});

describe('request clock', () => {
  it('treats a malformed metadata.now as a bug, not a domain error', () => {
    const command = cmd('RequestPermissionChange', { requestId: REQUEST_ID, targetUserId: MEMBER_ID, grant: ['ops'], revoke: [], reason: 'r' }, member);
    expect(() => spec.given(team).when(at(command, 'yesterday')).then([])).toThrow('metadata.now is not an ISO-8601 instant');
  });
});
