// Shared builders for the company decider specs. Not part of the public API.
import type { Actor } from '../../src/shared/decider';
import { DeciderSpec } from '../shared/decider-spec';
import type { CompanyCommand } from '../../src/company/commands';
import { companyDecider } from '../../src/company/decider';
import type { CompanyEvent, RoleDefined, RoleScope } from '../../src/company/events';

export const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const COMPANY_ID = uuid(1);
export const OTHER_COMPANY_ID = uuid(2);
export const ADMIN_ID = uuid(10);
export const MEMBER_ID = uuid(11);
export const SECOND_ADMIN_ID = uuid(12);
export const NEW_USER_ID = uuid(13);
export const ADMIN_ROLE_ID = uuid(20);
export const ROLE_ID = uuid(21);
export const OTHER_ROLE_ID = uuid(22);
export const NEW_ROLE_ID = uuid(23);
export const AUDITOR_ROLE_ID = uuid(25);
export const NOW = '2025-03-04T05:06:07.000Z';

export const service: Actor = { kind: 'service', service: 'vibot-cli' };
export const asUser = (userId: string, companyId: string = COMPANY_ID): Actor => ({ kind: 'user', userId, companyId });
export const admin = asUser(ADMIN_ID);
export const member = asUser(MEMBER_ID);

type CommandOf<T extends CompanyCommand['type']> = Extract<CompanyCommand, { type: T }>;

export function cmd<T extends CompanyCommand['type']>(
  type: T,
  data: CommandOf<T>['data'],
  actor: Actor = admin,
): CommandOf<T> {
  return { type, data, metadata: { actor, now: NOW } } as CommandOf<T>;
}

export const companyRegistered = (companyId = COMPANY_ID, name = 'Acme'): CompanyEvent => ({
  type: 'CompanyRegistered',
  data: { companyId, name, registeredAt: NOW },
});

export const userRegistered = (userId: string, email: string, displayName: string | null = null): CompanyEvent => ({
  type: 'UserRegistered',
  data: { userId, companyId: COMPANY_ID, email, displayName, registeredAt: NOW },
});

export const roleDefined = (
  roleId: string,
  code: string,
  overrides: Partial<Pick<RoleDefined['data'], 'name' | 'description' | 'scope' | 'builtIn'>> = {},
): CompanyEvent => ({
  type: 'RoleDefined',
  data: {
    roleId,
    companyId: COMPANY_ID,
    code,
    name: overrides.name ?? code,
    description: overrides.description ?? null,
    scope: overrides.scope ?? 'global',
    builtIn: overrides.builtIn ?? false,
    definedAt: NOW,
  },
});

export const roleUpdated = (
  roleId: string,
  name: string,
  scope: RoleScope = 'global',
  description: string | null = null,
): CompanyEvent => ({
  type: 'RoleUpdated',
  data: { roleId, companyId: COMPANY_ID, name, description, scope, updatedAt: NOW },
});

export const roleDeleted = (roleId: string, code: string): CompanyEvent => ({
  type: 'RoleDeleted',
  data: { roleId, companyId: COMPANY_ID, code, deletedAt: NOW },
});

export const roleGranted = (
  userId: string,
  roleId: string,
  roleCode: string,
  reason: string | null = 'needed',
  requestId: string | null = null,
  at: string = NOW,
): CompanyEvent => ({
  type: 'RoleGranted',
  data: { userId, roleId, companyId: COMPANY_ID, roleCode, grantedAt: at, reason, requestId },
});

export const roleRevoked = (
  userId: string,
  roleId: string,
  roleCode: string,
  reason: string | null = 'done',
  requestId: string | null = null,
  at: string = NOW,
): CompanyEvent => ({
  type: 'RoleRevoked',
  data: { userId, roleId, companyId: COMPANY_ID, roleCode, revokedAt: at, reason, requestId },
});

/** Exactly what RegisterCompany emits for the default fixture company. */
export const bootstrap: readonly CompanyEvent[] = [
  companyRegistered(),
  roleDefined(ADMIN_ROLE_ID, 'Vibot.admin', { name: 'Administrator', builtIn: true }),
  userRegistered(ADMIN_ID, 'admin@acme.test', 'Ada Admin'),
  roleGranted(ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'bootstrap'),
  roleDefined(AUDITOR_ROLE_ID, 'Vibot.auditor', { name: 'Auditor', builtIn: true }),
];

/** Bootstrap plus a non-admin member and one global custom role "ops". */
export const withMemberAndRole: readonly CompanyEvent[] = [
  ...bootstrap,
  userRegistered(MEMBER_ID, 'member@acme.test'),
  roleDefined(ROLE_ID, 'ops'),
];

export const spec = DeciderSpec.for(companyDecider);
