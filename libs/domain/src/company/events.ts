import type { Event } from '../shared/decider';
import { PERMISSION_REQUEST_EVENT_TYPES, type PermissionRequestEvent } from './permission-requests/request-events';
import type { RoleDefined, RoleDeleted, RoleUpdated } from './roles/role-events';

export type { RoleDefined, RoleDeleted, RoleScope, RoleUpdated } from './roles/role-events';

export type CompanyRegistered = Event<
  'CompanyRegistered',
  { companyId: string; name: string; registeredAt: string }
>;

export type UserRegistered = Event<
  'UserRegistered',
  { userId: string; companyId: string; email: string; displayName: string | null; registeredAt: string }
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
