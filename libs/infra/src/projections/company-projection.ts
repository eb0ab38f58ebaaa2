import type { CompanyEvent } from '../../../domain/src';
import { assertNever, COMPANY_EVENT_TYPES } from '../../../domain/src';
import type { Trx } from '../database/database';
import type { RecordedEvent } from '../event-log/event-log';
import { upcast } from '../event-log/upcasters';
import { bumpRevision } from './entity-revisions';
import { applyRequestEvent } from './permission-request-projection';
import type { Projection } from './projection';

const ROLE = 'role';

async function applyCompanyEvent(trx: Trx, event: CompanyEvent, recorded: RecordedEvent): Promise<void> {
  switch (event.type) {
    case 'CompanyRegistered': {
      const { companyId, name, registeredAt } = event.data;
      await trx
        .insertInto('companies')
        .values({ id: companyId, name, created_at: registeredAt })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
        .execute();
      return;
    }
    case 'UserRegistered': {
      const { userId, companyId, email, displayName, registeredAt } = event.data;
      await trx
        .insertInto('users')
        .values({ id: userId, company_id: companyId, email, display_name: displayName, created_at: registeredAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'RoleDefined': {
      const { roleId, companyId, code, name, description, scope, definedAt } = event.data;
      await trx
        .insertInto('roles')
        .values({ id: roleId, company_id: companyId, code, name, description, scope, created_at: definedAt, updated_at: definedAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await bumpRevision(trx, { type: ROLE, id: roleId, companyId }, recorded.revision, true);
      return;
    }
    case 'RoleUpdated': {
      const { roleId, companyId, name, description, scope, updatedAt } = event.data;
      await trx.updateTable('roles').set({ name, description, scope, updated_at: updatedAt }).where('id', '=', roleId).execute();
      await bumpRevision(trx, { type: ROLE, id: roleId, companyId }, recorded.revision, false);
      return;
    }
    case 'RoleDeleted': {
      await trx.deleteFrom('roles').where('id', '=', event.data.roleId).execute();
      await trx.deleteFrom('entity_revisions').where('entity_type', '=', ROLE).where('entity_id', '=', event.data.roleId).execute();
      return;
    }
    case 'RoleGranted': {
      const { userId, roleId, companyId, grantedAt } = event.data;
      await trx
        .insertInto('user_roles')
        .values({ company_id: companyId, user_id: userId, role_id: roleId, granted_at: grantedAt })
        .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
        .execute();
      return;
    }
    case 'RoleRevoked': {
      await trx.deleteFrom('user_roles').where('user_id', '=', event.data.userId).where('role_id', '=', event.data.roleId).execute();
      return;
    }
    case 'PermissionChangeRequested':
    case 'PermissionChangeStepApproved':
    case 'PermissionChangeApproved':
    case 'PermissionChangeRejected':
    case 'PermissionChangeCancelled':
    case 'PermissionChangeExpired':
      await applyRequestEvent(trx, event, recorded.revision);
      return;
    default:
      assertNever(event);
  }
}

/** companies, users, roles, user_roles, permission requests and revisions, from company-<id> streams. */
export const companyProjection: Projection = {
  name: 'company',
  handles: new Set<string>(COMPANY_EVENT_TYPES),
  apply: (trx, recorded) => applyCompanyEvent(trx, upcast(recorded) as CompanyEvent, recorded),
};
