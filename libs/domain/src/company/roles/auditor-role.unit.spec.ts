// The built-in Vibot.auditor role: defined at bootstrap, granted to nobody, obtained only
// through a reviewed permission change request, and as protected as Vibot.admin.
import { Invalid } from '../../shared/domain-errors';
import { approvalChainFor } from '../permission-requests/approval-flow';
import { holdsRole } from '../authorization';
import { approved, REQUEST_ID, requested, step, stepApproved, team } from '../../../test/company/request-fixtures';
import { ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE } from './role-rules';
import {
  admin,
  ADMIN_ID,
  AUDITOR_ROLE_ID,
  bootstrap,
  cmd,
  member,
  MEMBER_ID,
  NEW_ROLE_ID,
  roleGranted,
  roleUpdated,
  spec,
} from '../../../test/company/company-fixtures';

const auditorGrant = { diff: { grant: [AUDITOR_ROLE_CODE], revoke: [] } };

describe('Vibot.auditor', () => {
  it('is a constant beside Vibot.admin', () => {
    expect([ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE]).toEqual(['Vibot.admin', 'Vibot.auditor']);
  });

  it('is requested like any role, with one administrator step (only Vibot.admin needs two)', () => {
    expect(approvalChainFor({ grant: [AUDITOR_ROLE_CODE], revoke: [] })).toEqual([step(1)]);
    const request = cmd('RequestPermissionChange', { requestId: REQUEST_ID, targetUserId: MEMBER_ID, grant: [AUDITOR_ROLE_CODE], revoke: [], reason: 'on call' }, member);
    spec.given(team).when(request).then([requested({ ...auditorGrant, approvalFlow: [step(1)] })]);
  });

  it("is granted by the request's approval, in the same batch, naming the request", () => {
    const { state } = spec
      .given([...team, requested(auditorGrant)])
      .when(cmd('ApproveRequest', { requestId: REQUEST_ID }, admin))
      .then([
        stepApproved(1, ADMIN_ID),
        roleGranted(MEMBER_ID, AUDITOR_ROLE_ID, AUDITOR_ROLE_CODE, 'on call', REQUEST_ID),
        approved(ADMIN_ID),
      ]);
    expect(holdsRole(state, MEMBER_ID, AUDITOR_ROLE_CODE)).toBe(true);
    // Auditing is read-only: it confers nothing an administrator can do.
    expect(holdsRole(state, MEMBER_ID, ADMIN_ROLE_CODE)).toBe(false);
  });

  it.each([['Vibot.auditor'], ['vibot.auditor'], ['VIBOT.AUDITOR']])('cannot be defined by a company as %j', (code) => {
    spec.given(bootstrap).when(cmd('DefineRole', { roleId: NEW_ROLE_ID, code, name: 'Mine', maxProjectScopedRoles: 1 })).thenThrows(Invalid, 'reserved_role_code');
  });

  it('cannot be deleted, nor moved out of global scope', () => {
    spec.given(bootstrap).when(cmd('DeleteRole', { roleId: AUDITOR_ROLE_ID })).thenThrows(Invalid, 'builtin_role');
    spec
      .given(bootstrap)
      .when(cmd('UpdateRole', { roleId: AUDITOR_ROLE_ID, scope: 'project:a', maxProjectScopedRoles: 5 }))
      .thenThrows(Invalid, 'builtin_role');
  });

  it('keeps its code when its presentation is customised, as Vibot.admin does', () => {
    const { state } = spec
      .given(bootstrap)
      .when(cmd('UpdateRole', { roleId: AUDITOR_ROLE_ID, name: 'Auditors', maxProjectScopedRoles: 1 }))
      .then([roleUpdated(AUDITOR_ROLE_ID, 'Auditors')]);
    expect(state.status === 'registered' && state.roles.get(AUDITOR_ROLE_ID)).toMatchObject({ code: AUDITOR_ROLE_CODE, builtIn: true });
  });
});
