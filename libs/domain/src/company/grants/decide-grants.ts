import { Invalid, NotFound } from '../../shared/domain-errors';
import { requireCompany, requireService } from '../authorization';
import type { GrantRole, RevokeRole } from '../commands';
import type { RoleGranted, RoleRevoked } from '../events';
import { normalizeReason } from '../input-rules';
import { ADMIN_ROLE_CODE, countHolders, requireRole } from '../roles/role-rules';
import type { CompanyState, RegisteredCompany } from '../state';

// Direct grants are limited to operator tooling; people go through
// RequestPermissionChange so that every change they make is reviewed.

function requireUser(company: RegisteredCompany, userId: string): void {
  if (!company.users.has(userId)) throw new NotFound('user_not_found', 'User not found', { userId });
}

export function grantRole(command: GrantRole, state: CompanyState): readonly RoleGranted[] {
  const company = requireCompany(state);
  requireService(command.metadata.actor, 'Granting roles');
  const { userId, roleId } = command.data;
  const reason = normalizeReason(command.data.reason);
  requireUser(company, userId);
  const role = requireRole(company, roleId);
  if (company.assignments.get(userId)?.has(roleId) === true) {
    throw new Invalid('already_granted', 'The user already holds this role', { userId, roleId });
  }
  return [
    {
      type: 'RoleGranted',
      data: {
        userId,
        roleId,
        companyId: company.companyId,
        roleCode: role.code,
        grantedAt: command.metadata.now,
        reason,
        // Operator grants bypass the request workflow by design.
        requestId: null,
      },
    },
  ];
}

export function revokeRole(command: RevokeRole, state: CompanyState): readonly RoleRevoked[] {
  const company = requireCompany(state);
  requireService(command.metadata.actor, 'Revoking roles');
  const { userId, roleId } = command.data;
  const reason = normalizeReason(command.data.reason);
  requireUser(company, userId);
  const role = requireRole(company, roleId);
  if (company.assignments.get(userId)?.has(roleId) !== true) {
    throw new Invalid('not_granted', 'The user does not hold this role', { userId, roleId });
  }
  // Without an administrator nobody but an operator could manage the company again.
  if (role.code === ADMIN_ROLE_CODE && countHolders(company, roleId) <= 1) {
    throw new Invalid('last_admin', 'The last administrator cannot lose the administrator role');
  }
  return [
    {
      type: 'RoleRevoked',
      data: {
        userId,
        roleId,
        companyId: company.companyId,
        roleCode: role.code,
        revokedAt: command.metadata.now,
        reason,
        requestId: null,
      },
    },
  ];
}
