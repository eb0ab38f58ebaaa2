import { Conflict, Invalid } from '../../shared/domain-errors';
import { requireAdmin, requireCompany } from '../authorization';
import type { DefineRole, DeleteRole, UpdateRole } from '../commands';
import type { RoleDefined, RoleDeleted, RoleUpdated } from '../events';
import { requireId } from '../input-rules';
import {
  assertExpectedRevision,
  assertProjectRoleCapacity,
  countHolders,
  isProjectScope,
  isRoleCodeTaken,
  normalizeDescription,
  normalizeRoleName,
  parseScope,
  requireRole,
  validateLimit,
  validateRoleCode,
} from './role-rules';
import type { CompanyState } from '../state';

export function defineRole(command: DefineRole, state: CompanyState): readonly RoleDefined[] {
  const company = requireCompany(state);
  requireAdmin(company, command.metadata.actor);
  const { data } = command;
  const roleId = requireId(data.roleId, 'roleId');
  if (company.roles.has(roleId) || company.retiredRoleIds.has(roleId)) {
    throw new Conflict('role_exists', 'A role with this id already exists', { roleId });
  }
  const code = validateRoleCode(data.code);
  const name = normalizeRoleName(data.name);
  const description = normalizeDescription(data.description);
  const scope = parseScope(data.scope);
  const limit = validateLimit(data.maxProjectScopedRoles);
  if (isRoleCodeTaken(company, code)) {
    throw new Conflict('role_code_taken', `Role code "${code}" is already in use`, { code });
  }
  if (isProjectScope(scope)) assertProjectRoleCapacity(company, limit);

  return [
    {
      type: 'RoleDefined',
      data: {
        roleId,
        companyId: company.companyId,
        code,
        name,
        description,
        scope,
        builtIn: false,
        definedAt: command.metadata.now,
      },
    },
  ];
}

export function updateRole(command: UpdateRole, state: CompanyState): readonly RoleUpdated[] {
  const company = requireCompany(state);
  requireAdmin(company, command.metadata.actor);
  const { data } = command;
  const role = requireRole(company, data.roleId);
  assertExpectedRevision(role, data.expectedRevision);

  const name = data.name === undefined ? role.name : normalizeRoleName(data.name);
  const description = data.description === undefined ? role.description : normalizeDescription(data.description);
  const scope = data.scope === undefined ? role.scope : parseScope(data.scope);
  const limit = validateLimit(data.maxProjectScopedRoles);

  // Built-in roles are referenced by code across the system as global; only
  // their presentation may be customised.
  if (role.builtIn && scope !== role.scope) {
    throw new Invalid('builtin_role', 'The scope of a built-in role cannot change', { roleId: role.roleId });
  }
  if (!isProjectScope(role.scope) && isProjectScope(scope)) assertProjectRoleCapacity(company, limit);

  // A no-op emits nothing, so revisions only move when something changed.
  if (name === role.name && description === role.description && scope === role.scope) return [];

  return [
    {
      type: 'RoleUpdated',
      data: {
        roleId: role.roleId,
        companyId: company.companyId,
        name,
        description,
        scope,
        updatedAt: command.metadata.now,
      },
    },
  ];
}

export function deleteRole(command: DeleteRole, state: CompanyState): readonly RoleDeleted[] {
  const company = requireCompany(state);
  requireAdmin(company, command.metadata.actor);
  const role = requireRole(company, command.data.roleId);
  assertExpectedRevision(role, command.data.expectedRevision);
  if (role.builtIn) {
    throw new Invalid('builtin_role', 'Built-in roles cannot be deleted', { roleId: role.roleId });
  }
  // Refusing instead of cascading keeps revocation an explicit, audited act.
  const assignedUsers = countHolders(company, role.roleId);
  if (assignedUsers > 0) {
    throw new Invalid('role_assigned', 'Revoke the role from every user before deleting it', { assignedUsers });
  }
  return [
    {
      type: 'RoleDeleted',
      data: { roleId: role.roleId, companyId: company.companyId, code: role.code, deletedAt: command.metadata.now },
    },
  ];
}
