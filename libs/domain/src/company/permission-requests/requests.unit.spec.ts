import { Conflict, Forbidden, Invalid, NotFound } from '../../shared/domain-errors';
import { holdsRole } from '../authorization';
import type { RequestPermissionChange } from './request-commands';
import {
  COLLEAGUE_ID,
  IN_30_DAYS,
  IN_7_DAYS,
  REQUEST_ID,
  requested,
  secondAdmin,
  step,
  team,
} from '../../../test/company/request-fixtures';
import {
  admin,
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  bootstrap,
  cmd,
  member,
  MEMBER_ID,
  OTHER_COMPANY_ID,
  ROLE_ID,
  roleDefined,
  roleGranted,
  SECOND_ADMIN_ID,
  service,
  spec,
  userRegistered,
  uuid,
  withMemberAndRole,
} from '../../../test/company/company-fixtures';

type Data = RequestPermissionChange['data'];
const ask = (overrides: Partial<Data> = {}, actor = member) =>
  cmd('RequestPermissionChange', { requestId: REQUEST_ID, targetUserId: MEMBER_ID, grant: ['ops'], revoke: [], reason: ' on call ', ...overrides }, actor);

describe('RequestPermissionChange', () => {
  it('records a pending request for oneself, with a trimmed reason, one admin step and a 7-day deadline', () => {
    const { state } = spec.given(team).when(ask()).then([requested()]);
    if (state.status !== 'registered') throw new Error('expected a company');
    expect(state.requests.get(REQUEST_ID)).toEqual({
      requestId: REQUEST_ID,
      requesterId: MEMBER_ID,
      targetUserId: MEMBER_ID,
      diff: { grant: ['ops'], revoke: [] },
      reason: 'on call',
      status: 'pending',
      approvalFlow: [step(1)],
      requestedAt: '2025-03-04T05:06:07.000Z',
      expiresAt: IN_7_DAYS,
      decidedAt: null,
      decisionBy: null,
      revision: 1n,
    });
    // Nothing changes before the approval.
    expect(holdsRole(state, MEMBER_ID, 'ops')).toBe(false);
  });

  it('can be made for another member, and by an admin', () => {
    spec.given(team).when(ask({ targetUserId: COLLEAGUE_ID })).then([requested({ targetUserId: COLLEAGUE_ID })]);
    spec.given(team).when(ask({}, admin)).then([requested({ requesterId: ADMIN_ID })]);
  });

  it('grants and revokes together and drops duplicate codes silently', () => {
    const given = [...team, roleGranted(MEMBER_ID, uuid(22), 'dev')];
    spec.given(given).when(ask({ grant: ['ops', 'ops'], revoke: ['dev', 'dev'] })).then([
      requested({ diff: { grant: ['ops'], revoke: ['dev'] } }),
    ]);
  });

  it('needs two admin steps to grant Vibot.admin', () => {
    spec.given(team).when(ask({ grant: ['Vibot.admin'] })).then([
      requested({ diff: { grant: ['Vibot.admin'], revoke: [] }, approvalFlow: [step(1), step(2)] }),
    ]);
  });

  it('allows revoking Vibot.admin from one of several admins, in one step', () => {
    spec.given(team).when(ask({ targetUserId: SECOND_ADMIN_ID, grant: [], revoke: ['Vibot.admin'] })).then([
      requested({ targetUserId: SECOND_ADMIN_ID, diff: { grant: [], revoke: ['Vibot.admin'] } }),
    ]);
  });

  it.each([
    ['an explicit UTC deadline', '2025-03-05T05:06:07Z', '2025-03-05T05:06:07.000Z'],
    ['an offset deadline, stored in UTC', '2025-03-05T07:06:07.5+02:00', '2025-03-05T05:06:07.500Z'],
    ['exactly 30 days ahead', IN_30_DAYS, IN_30_DAYS],
    ['one millisecond ahead', '2025-03-04T05:06:07.001Z', '2025-03-04T05:06:07.001Z'],
  ])('accepts %s', (_label, expiresAt, stored) => {
    spec.given(team).when(ask({ expiresAt })).then([requested({ expiresAt: stored })]);
  });

  it.each([
    ['in the past', '2025-03-01T00:00:00.000Z'],
    ['equal to now', '2025-03-04T05:06:07.000Z'],
    ['more than 30 days ahead', '2025-04-03T05:06:07.001Z'],
    ['not a date', 'next week'],
    ['without a zone', '2025-03-05T05:06:07'],
    ['date only', '2025-03-05'],
  ])('refuses a deadline %s', (_label, expiresAt) => {
    spec.given(team).when(ask({ expiresAt })).thenThrows(Invalid, 'invalid_expiry');
  });

  it('is for users of this company only', () => {
    spec.given(team).when(ask({}, service)).thenThrows(Forbidden, 'user_only');
    spec.given(team).when(ask({}, asUser(MEMBER_ID, OTHER_COMPANY_ID))).thenThrows(Forbidden, 'not_member');
    spec.given(team).when(ask({}, asUser(uuid(99)))).thenThrows(Forbidden, 'not_member');
  });

  it('refuses a target who is not a user of the company (422, not 404)', () => {
    const error = spec.given(team).when(ask({ targetUserId: uuid(99) })).thenThrows(Invalid, 'target_not_found');
    expect(error.details).toEqual({ targetUserId: uuid(99) });
  });

  it('refuses unknown role codes, listing them; codes match case-sensitively', () => {
    const error = spec.given(team).when(ask({ grant: ['ops', 'nope', 'OPS'], revoke: ['gone'] })).thenThrows(Invalid, 'role_not_found');
    expect(error.details).toEqual({ codes: ['nope', 'OPS', 'gone'] });
  });

  it('refuses an empty, overlapping or malformed diff', () => {
    spec.given(team).when(ask({ grant: [], revoke: [] })).thenThrows(Invalid, 'empty_diff');
    const error = spec.given(team).when(ask({ grant: ['ops', 'dev'], revoke: ['dev'] })).thenThrows(Invalid, 'overlapping_diff');
    expect(error.details).toEqual({ codes: ['dev'] });
    spec.given(team).when(ask({ grant: 'ops' as unknown as string[] })).thenThrows(Invalid, 'invalid_diff');
    spec.given(team).when(ask({ revoke: [42] as unknown as string[] })).thenThrows(Invalid, 'invalid_diff');
  });

  it('refuses granting a held role and revoking one not held', () => {
    const given = [...team, roleGranted(MEMBER_ID, ROLE_ID, 'ops')];
    const granted = spec.given(given).when(ask()).thenThrows(Invalid, 'already_granted');
    expect(granted.details).toEqual({ codes: ['ops'] });
    const missing = spec.given(team).when(ask({ grant: [], revoke: ['dev'] })).thenThrows(Invalid, 'not_granted');
    expect(missing.details).toEqual({ codes: ['dev'] });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['2001 characters', 'r'.repeat(2001)],
    ['missing', undefined as unknown as string],
  ])('requires a reason of 1..2000 characters, not %s', (_label, reason) => {
    spec.given(team).when(ask({ reason })).thenThrows(Invalid, 'invalid_reason');
  });

  it('accepts a 2000-character reason', () => {
    const reason = 'r'.repeat(2000);
    spec.given(team).when(ask({ reason })).then([requested({ reason })]);
  });

  it('never leaves the company without an administrator', () => {
    const soleAdmin = [...withMemberAndRole];
    spec.given(soleAdmin).when(ask({ targetUserId: ADMIN_ID, grant: [], revoke: ['Vibot.admin'] })).thenThrows(Invalid, 'last_admin');
  });

  it('refuses at once a request that too few distinct approvers could complete', () => {
    // The sole admin asks for someone else: nobody but the requester could approve.
    const one = spec.given(withMemberAndRole).when(ask({ targetUserId: MEMBER_ID }, admin)).thenThrows(Invalid, 'not_enough_approvers');
    expect(one.details).toEqual({ needed: 1, available: 0 });
    // Two admins, one of them the target, cannot provide two approvers.
    const twoAdmins = [...withMemberAndRole, userRegistered(SECOND_ADMIN_ID, 's@acme.test'), roleGranted(SECOND_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin'), userRegistered(COLLEAGUE_ID, 'c@acme.test')];
    const two = spec.given(twoAdmins).when(ask({ targetUserId: COLLEAGUE_ID, grant: ['Vibot.admin'] }, secondAdmin)).thenThrows(Invalid, 'not_enough_approvers');
    expect(two.details).toEqual({ needed: 2, available: 1 });
    // Two admins other than requester and target are enough.
    spec.given(twoAdmins).when(ask({ grant: ['Vibot.admin'] })).then([
      requested({ diff: { grant: ['Vibot.admin'], revoke: [] }, approvalFlow: [step(1), step(2)] }),
    ]);
  });

  it('refuses a reused or malformed request id', () => {
    spec.given([...team, requested()]).when(ask({ targetUserId: COLLEAGUE_ID })).thenThrows(Conflict, 'request_exists');
    spec.given(team).when(ask({ requestId: 'REQ-1' })).thenThrows(Invalid, 'invalid_id');
  });

  it('needs a registered company', () => {
    spec.given([]).when(ask()).thenThrows(NotFound, 'company_not_found');
  });

  it('sees roles defined after bootstrap', () => {
    const given = [...bootstrap, userRegistered(MEMBER_ID, 'm@acme.test'), userRegistered(SECOND_ADMIN_ID, 's@acme.test'), roleDefined(uuid(60), 'qa')];
    spec.given(given).when(ask({ grant: ['qa'] })).then([requested({ diff: { grant: ['qa'], revoke: [] } })]);
  });
});
