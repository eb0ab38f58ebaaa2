import type { CompanyEvent } from '#domain';
import { assertNever, COMPANY_EVENT_TYPES, isPermissionRequestEvent } from '#domain';
import type { RecordedEvent } from '../event-log/event-log';
import { bumpRevision, forgetRevision } from './entity-revisions';
import { applyRequestEvent } from './permission-request-projection';
import { insertIfAbsent, type Projection } from './projection';
import type { RowStore } from './row-store';

const ROLE = 'role';

async function applyCompanyEvent(rows: RowStore, event: CompanyEvent, recorded: RecordedEvent): Promise<void> {
  if (isPermissionRequestEvent(event)) return applyRequestEvent(rows, event, recorded.revision);
  switch (event.type) {
    case 'CompanyRegistered': {
      const { companyId, name, registeredAt } = event.data;
      const existing = await rows.get('companies', { id: companyId });
      rows.put('companies', existing ? { ...existing, name } : { id: companyId, name, created_at: registeredAt });
      return;
    }
    case 'UserRegistered': {
      const { userId, companyId, email, displayName, registeredAt } = event.data;
      await insertIfAbsent(rows, 'users', { id: userId, company_id: companyId, email, display_name: displayName, created_at: registeredAt });
      return;
    }
    case 'RoleDefined': {
      const { roleId, companyId, code, name, description, scope, definedAt } = event.data;
      await insertIfAbsent(rows, 'roles', { id: roleId, company_id: companyId, code, name, description, scope, created_at: definedAt, updated_at: definedAt });
      await bumpRevision(rows, { type: ROLE, id: roleId, companyId }, recorded.revision, true);
      return;
    }
    case 'RoleUpdated': {
      const { roleId, companyId, name, description, scope, updatedAt } = event.data;
      await rows.patch('roles', { id: roleId }, { name, description, scope, updated_at: updatedAt });
      await bumpRevision(rows, { type: ROLE, id: roleId, companyId }, recorded.revision, false);
      return;
    }
    case 'RoleDeleted':
      rows.remove('roles', { id: event.data.roleId });
      forgetRevision(rows, ROLE, event.data.roleId);
      return;
    case 'RoleGranted': {
      const { userId, roleId, companyId, grantedAt } = event.data;
      await insertIfAbsent(rows, 'user_roles', { company_id: companyId, user_id: userId, role_id: roleId, granted_at: grantedAt });
      return;
    }
    case 'RoleRevoked':
      rows.remove('user_roles', { user_id: event.data.userId, role_id: event.data.roleId });
      return;
    default:
      assertNever(event);
  }
}

/** companies, users, roles, user_roles, permission requests and revisions, from company-<id> streams. */
export const companyProjection: Projection<CompanyEvent> = {
  name: 'company',
  handles: new Set<string>(COMPANY_EVENT_TYPES),
  apply: applyCompanyEvent,
};
