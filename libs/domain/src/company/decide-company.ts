import { Conflict, Invalid } from '../shared/domain-errors';
import { requireService } from './authorization';
import type { RegisterCompany } from './commands';
import type { CompanyEvent } from './events';
import { normalizeCompanyName, requireId } from './input-rules';
import { normalizeDisplayName, normalizeEmail } from './users/user-rules';
import { ADMIN_ROLE_CODE, ADMIN_ROLE_NAME, AUDITOR_ROLE_CODE, AUDITOR_ROLE_NAME } from './roles/role-rules';
import type { CompanyState } from './state';

// Bootstrap emits the admin role, user and grant in the same batch as the
// company so the aggregate is never observable without an administrator. The
// auditor role comes last and is granted to nobody: it exists from the start so
// that it can be asked for through a permission change request like any role.
export function registerCompany(command: RegisterCompany, state: CompanyState): readonly CompanyEvent[] {
  requireService(command.metadata.actor, 'Registering a company');
  if (state.status !== 'absent') {
    throw new Conflict('company_exists', 'Company is already registered', { companyId: state.companyId });
  }
  const { data } = command;
  const companyId = requireId(data.companyId, 'companyId');
  const adminUserId = requireId(data.adminUserId, 'adminUserId');
  const adminRoleId = requireId(data.adminRoleId, 'adminRoleId');
  const auditorRoleId = requireId(data.auditorRoleId, 'auditorRoleId');
  if (auditorRoleId === adminRoleId) {
    throw new Invalid('duplicate_role_id', 'The admin and auditor roles need different ids', { field: 'auditorRoleId' });
  }
  const name = normalizeCompanyName(data.name);
  const email = normalizeEmail(data.adminEmail);
  const displayName = normalizeDisplayName(data.adminDisplayName);
  const now = command.metadata.now;

  return [
    { type: 'CompanyRegistered', data: { companyId, name, registeredAt: now } },
    {
      type: 'RoleDefined',
      data: {
        roleId: adminRoleId,
        companyId,
        code: ADMIN_ROLE_CODE,
        name: ADMIN_ROLE_NAME,
        description: null,
        scope: 'global',
        builtIn: true,
        definedAt: now,
      },
    },
    { type: 'UserRegistered', data: { userId: adminUserId, companyId, email, displayName, registeredAt: now } },
    {
      type: 'RoleGranted',
      data: {
        userId: adminUserId,
        roleId: adminRoleId,
        companyId,
        roleCode: ADMIN_ROLE_CODE,
        grantedAt: now,
        reason: 'bootstrap',
        requestId: null,
      },
    },
    {
      type: 'RoleDefined',
      data: {
        roleId: auditorRoleId,
        companyId,
        code: AUDITOR_ROLE_CODE,
        name: AUDITOR_ROLE_NAME,
        description: null,
        scope: 'global',
        builtIn: true,
        definedAt: now,
      },
    },
  ];
}
