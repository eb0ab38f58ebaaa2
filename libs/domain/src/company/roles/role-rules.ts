// Rules about the role catalogue, shared by define and update.
import { Conflict, Invalid, NotFound } from '../../shared/domain-errors';
import type { RoleScope } from '../events';
import type { RegisteredCompany, RoleState } from '../state';

export const ADMIN_ROLE_CODE = 'Vibot.admin';
export const ADMIN_ROLE_NAME = 'Administrator';
// Read-only access to the audit trail: its holders see the company's whole history without
// being able to change anything, so auditing does not require handing out admin rights.
export const AUDITOR_ROLE_CODE = 'Vibot.auditor';
export const AUDITOR_ROLE_NAME = 'Auditor';

// Built-ins are created by the system; letting tenants squat the prefix would
// block future built-ins or impersonate them.
const RESERVED_CODE_PREFIX = 'vibot.';
const ROLE_CODE = /^[A-Za-z][A-Za-z0-9._-]{1,49}$/;
// 'project:' + 22 chars = 30, the width of the scope column.
const SCOPE = /^(global|project:[A-Za-z0-9_-]{1,22})$/;
const MAX_ROLE_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 2000;

export function validateRoleCode(code: string): string {
  if (typeof code !== 'string' || !ROLE_CODE.test(code)) {
    throw new Invalid('invalid_role_code', 'Role code must be 2..50 characters: a letter, then letters, digits, ".", "_" or "-"');
  }
  if (code.toLowerCase().startsWith(RESERVED_CODE_PREFIX)) {
    throw new Invalid('reserved_role_code', 'Role codes starting with "Vibot." are reserved for built-in roles');
  }
  return code;
}

export function normalizeRoleName(value: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > MAX_ROLE_NAME_LENGTH) {
    throw new Invalid('invalid_role_name', `Role name must be 1..${MAX_ROLE_NAME_LENGTH} characters`, {
      maxLength: MAX_ROLE_NAME_LENGTH,
    });
  }
  return name;
}

/** Blank descriptions become null so "no description" has one representation. */
export function normalizeDescription(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const description = value.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new Invalid('invalid_description', `Description must be at most ${MAX_DESCRIPTION_LENGTH} characters`, {
      maxLength: MAX_DESCRIPTION_LENGTH,
    });
  }
  return description.length === 0 ? null : description;
}

export function parseScope(value: string | undefined): RoleScope {
  if (value === undefined) return 'global';
  if (typeof value !== 'string' || !SCOPE.test(value)) {
    throw new Invalid('invalid_scope', 'Scope must be "global" or "project:<id>" with an id of 1..22 [A-Za-z0-9_-]');
  }
  return value as RoleScope;
}

export const isProjectScope = (scope: RoleScope): boolean => scope.startsWith('project:');

export function validateLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new Invalid('invalid_limit', 'maxProjectScopedRoles must be a non-negative integer', { limit });
  }
  return limit;
}

/**
 * Role codes are unique ignoring case (so "Ops" and "ops" cannot both exist and be confused),
 * and the catalogue is indexed by this folded form. Lookups still answer only the exact spelling.
 */
export const roleCodeKey = (code: string): string => code.toLowerCase();

/** Whether defining `code` would clash with an existing role: equal ignoring case. */
export function isRoleCodeTaken(state: RegisteredCompany, code: string): boolean {
  return state.roleIdsByCode.has(roleCodeKey(code));
}

/**
 * The role spelled exactly `code`, the one lookup every check uses (holdsRole, request diffs,
 * approvers): authorization should not be forgiving, and an approver must see precisely the role
 * that changes.
 */
export function roleWithCode(state: RegisteredCompany, code: string): RoleState | undefined {
  const roleId = state.roleIdsByCode.get(roleCodeKey(code));
  const role = roleId === undefined ? undefined : state.roles.get(roleId);
  return role?.code === code ? role : undefined;
}

export function requireRole(state: RegisteredCompany, roleId: string): RoleState {
  const role = state.roles.get(roleId);
  if (role === undefined) throw new NotFound('role_not_found', 'Role not found', { roleId });
  return role;
}

export function assertExpectedRevision(role: RoleState, expected: bigint | undefined): void {
  if (expected !== undefined && expected !== role.revision) {
    throw new Conflict(
      'stale_revision',
      'The role was changed by someone else; reload and retry',
      { roleId: role.roleId },
      role.revision,
    );
  }
}

/** Call only when a role enters project scope: roles already there are grandfathered if the limit shrinks. */
export function assertProjectRoleCapacity(state: RegisteredCompany, limit: number): void {
  let projectRoles = 0;
  for (const role of state.roles.values()) if (isProjectScope(role.scope)) projectRoles += 1;
  if (projectRoles + 1 > limit) {
    throw new Invalid('project_role_limit', `A company may hold at most ${limit} project-scoped roles`, { limit });
  }
}

export function countHolders(state: RegisteredCompany, roleId: string): number {
  return state.holders.get(roleId)?.size ?? 0;
}
