import type { Event } from '../shared/decider';
import { PERMISSION_REQUEST_EVENT_TYPES, type PermissionRequestEvent } from './permission-requests/request-events';

// A template literal keeps scope a plain JSON string while letting the
// compiler reject values that skipped validation.
export type RoleScope = 'global' | `project:${string}`;

export type CompanyRegistered = Event<
  'CompanyRegistered',
  { companyId: string; name: string; registeredAt: string }
>;

export type UserRegistered = Event<
  'UserRegistered',
  { userId: string; companyId: string; email: string; displayName: string | null; registeredAt: string }
>;

export type RoleDefined = Event<
  'RoleDefined',
  {
    roleId: string;
    companyId: string;
    code: string;
    name: string;
    description: string | null;
    scope: RoleScope;
    builtIn: boolean;
    definedAt: string;
  }
>;

// Carries full new values rather than a diff so projections can upsert
// without reading their previous row.
export type RoleUpdated = Event<
  'RoleUpdated',
  { roleId: string; companyId: string; name: string; description: string | null; scope: RoleScope; updatedAt: string }
>;

export type RoleDeleted = Event<
  'RoleDeleted',
  { roleId: string; companyId: string; code: string; deletedAt: string }
>;

// requestId links a grant to the approved request that caused it (null for
// bootstrap and operator grants), so the audit trail can explain every change.
export type RoleGranted = Event<
  'RoleGranted',
  {
    userId: string;
    roleId: string;
    companyId: string;
    roleCode: string;
    grantedAt: string;
    reason: string | null;
    requestId: string | null;
  }
>;

export type RoleRevoked = Event<
  'RoleRevoked',
  {
    userId: string;
    roleId: string;
    companyId: string;
    roleCode: string;
    revokedAt: string;
    reason: string | null;
    requestId: string | null;
  }
>;

export type CompanyEvent =
  | CompanyRegistered
  | UserRegistered
  | RoleDefined
  | RoleUpdated
  | RoleDeleted
  | RoleGranted
  | RoleRevoked
  | PermissionRequestEvent;

export type CompanyEventType = CompanyEvent['type'];

// Lets infrastructure recognise this aggregate's events when reading a
// stream, without duplicating the names.
export const COMPANY_EVENT_TYPES: readonly CompanyEventType[] = [
  'CompanyRegistered',
  'UserRegistered',
  'RoleDefined',
  'RoleUpdated',
  'RoleDeleted',
  'RoleGranted',
  'RoleRevoked',
  ...PERMISSION_REQUEST_EVENT_TYPES,
];

export function isCompanyEventType(type: string): type is CompanyEventType {
  return (COMPANY_EVENT_TYPES as readonly string[]).includes(type);
}
