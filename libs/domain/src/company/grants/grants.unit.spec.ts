import { Forbidden, Invalid, NotFound } from '../../shared/domain-errors';
import { holdsRole } from '../authorization';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  cmd,
  MEMBER_ID,
  NEW_ROLE_ID,
  NEW_USER_ID,
  ROLE_ID,
  roleDeleted,
  roleGranted,
  roleRevoked,
  service,
  spec,
  withMemberAndRole,
} from '../../../test/company/company-fixtures';

const grant = (userId: string, roleId: string, reason = ' on call ') => cmd('GrantRole', { userId, roleId, reason }, service);
const revoke = (userId: string, roleId: string, reason = ' rotation ') => cmd('RevokeRole', { userId, roleId, reason }, service);

describe('GrantRole', () => {
  it('grants with the role code and a trimmed reason', () => {
    const { state } = spec.given(withMemberAndRole).when(grant(MEMBER_ID, ROLE_ID)).then([roleGranted(MEMBER_ID, ROLE_ID, 'ops', 'on call')]);
    expect(holdsRole(state, MEMBER_ID, 'ops')).toBe(true);
  });

  it('can make a member an administrator', () => {
    spec.given(withMemberAndRole).when(grant(MEMBER_ID, ADMIN_ROLE_ID, 'promotion')).then([
      roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'promotion'),
    ]);
  });

  it.each([[''], ['   '], ['r'.repeat(2001)]])('requires a reason of 1..2000 characters, not %j', (reason) => {
    spec.given(withMemberAndRole).when(grant(MEMBER_ID, ROLE_ID, reason)).thenThrows(Invalid, 'invalid_reason');
  });

  it('accepts a 2000 character reason', () => {
    const reason = 'r'.repeat(2000);
    spec.given(withMemberAndRole).when(grant(MEMBER_ID, ROLE_ID, reason)).then([roleGranted(MEMBER_ID, ROLE_ID, 'ops', reason)]);
  });

  it('requires an existing user and a live role', () => {
    spec.given(withMemberAndRole).when(grant(NEW_USER_ID, ROLE_ID)).thenThrows(NotFound, 'user_not_found');
    spec.given(withMemberAndRole).when(grant(MEMBER_ID, NEW_ROLE_ID)).thenThrows(NotFound, 'role_not_found');
    spec.given([...withMemberAndRole, roleDeleted(ROLE_ID, 'ops')]).when(grant(MEMBER_ID, ROLE_ID)).thenThrows(NotFound, 'role_not_found');
  });

  it('refuses a role the user already holds', () => {
    spec.given([...withMemberAndRole, roleGranted(MEMBER_ID, ROLE_ID, 'ops')]).when(grant(MEMBER_ID, ROLE_ID)).thenThrows(Invalid, 'already_granted');
  });

  it('reports a missing company', () => {
    spec.given([]).when(grant(MEMBER_ID, ROLE_ID)).thenThrows(NotFound, 'company_not_found');
  });

  it('is reserved to service actors', () => {
    spec.given(withMemberAndRole).when({ ...grant(MEMBER_ID, ROLE_ID), metadata: { actor: asUser(MEMBER_ID), now: 'now' } }).thenThrows(Forbidden, 'service_only');
  });
});

describe('RevokeRole', () => {
  const granted = [...withMemberAndRole, roleGranted(MEMBER_ID, ROLE_ID, 'ops')];

  it('revokes a held role', () => {
    const { state } = spec.given(granted).when(revoke(MEMBER_ID, ROLE_ID)).then([roleRevoked(MEMBER_ID, ROLE_ID, 'ops', 'rotation')]);
    expect(holdsRole(state, MEMBER_ID, 'ops')).toBe(false);
  });

  it('refuses a role the user does not hold', () => {
    spec.given(withMemberAndRole).when(revoke(MEMBER_ID, ROLE_ID)).thenThrows(Invalid, 'not_granted');
    spec.given([...granted, roleRevoked(MEMBER_ID, ROLE_ID, 'ops')]).when(revoke(MEMBER_ID, ROLE_ID)).thenThrows(Invalid, 'not_granted');
  });

  it('requires a reason, an existing user and a live role', () => {
    spec.given(granted).when(revoke(MEMBER_ID, ROLE_ID, ' ')).thenThrows(Invalid, 'invalid_reason');
    spec.given(granted).when(revoke(NEW_USER_ID, ROLE_ID)).thenThrows(NotFound, 'user_not_found');
    spec.given(granted).when(revoke(MEMBER_ID, NEW_ROLE_ID)).thenThrows(NotFound, 'role_not_found');
  });

  it('never removes the last administrator', () => {
    spec.given(withMemberAndRole).when(revoke(ADMIN_ID, ADMIN_ROLE_ID)).thenThrows(Invalid, 'last_admin');
  });

  it('allows demoting an administrator while another remains', () => {
    const twoAdmins = [...withMemberAndRole, roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin')];
    const { state } = spec.given(twoAdmins).when(revoke(ADMIN_ID, ADMIN_ROLE_ID)).then([
      roleRevoked(ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'rotation'),
    ]);
    expect(holdsRole(state, MEMBER_ID, 'Vibot.admin')).toBe(true);
    expect(holdsRole(state, ADMIN_ID, 'Vibot.admin')).toBe(false);
  });

  it('is reserved to service actors and needs the company', () => {
    spec.given(granted).when({ ...revoke(MEMBER_ID, ROLE_ID), metadata: { actor: asUser(ADMIN_ID), now: 'now' } }).thenThrows(Forbidden, 'service_only');
    spec.given([]).when(revoke(MEMBER_ID, ROLE_ID)).thenThrows(NotFound, 'company_not_found');
  });
});
