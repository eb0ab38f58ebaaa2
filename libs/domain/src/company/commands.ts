import type { Command } from '../shared/decider';
import type { PermissionRequestCommand } from './permission-requests/request-commands';

// Inputs are unvalidated strings: the decider owns every business rule, so
// transport-level DTO validation is a convenience, not a guarantee.

export type RegisterCompany = Command<
  'RegisterCompany',
  {
    companyId: string;
    name: string;
    adminUserId: string;
    adminRoleId: string;
    /** The built-in Vibot.auditor role, defined at bootstrap and granted to nobody. */
    auditorRoleId: string;
    adminEmail: string;
    adminDisplayName?: string | null;
  }
>;

export type RegisterUser = Command<
  'RegisterUser',
  { userId: string; email: string; displayName?: string | null }
>;

// The project-role limit is configuration, passed in so the decider needs no
// access to settings.
export type DefineRole = Command<
  'DefineRole',
  {
    roleId: string;
    code: string;
    name: string;
    description?: string | null;
    scope?: string;
    maxProjectScopedRoles: number;
  }
>;

// Omitted fields keep their value; `description: null` clears it.
export type UpdateRole = Command<
  'UpdateRole',
  {
    roleId: string;
    name?: string;
    description?: string | null;
    scope?: string;
    expectedRevision?: bigint;
    maxProjectScopedRoles: number;
  }
>;

export type DeleteRole = Command<'DeleteRole', { roleId: string; expectedRevision?: bigint }>;

export type GrantRole = Command<'GrantRole', { userId: string; roleId: string; reason: string }>;

export type RevokeRole = Command<'RevokeRole', { userId: string; roleId: string; reason: string }>;

export type CompanyCommand =
  | RegisterCompany
  | RegisterUser
  | DefineRole
  | UpdateRole
  | DeleteRole
  | GrantRole
  | RevokeRole
  | PermissionRequestCommand;

export type CompanyCommandType = CompanyCommand['type'];
