import { assertNever } from '../shared/decider';
import { PersistentMap, PersistentSet } from '../shared/persistent-map';
import type { CompanyEvent } from './events';
import { assigned } from './grants/assignments';
import { isPermissionRequestEvent } from './permission-requests/request-events';
import { evolveRequests, type RequestMap } from './permission-requests/request-state';
import { evolveRoles, type RoleState } from './roles/role-events';

export type { RoleState } from './roles/role-events';

export type UserState = Readonly<{ userId: string; email: string; displayName: string | null }>;

export type AbsentCompany = Readonly<{ status: 'absent' }>;

export type RegisteredCompany = Readonly<{
  status: 'registered';
  companyId: string;
  name: string;
  users: PersistentMap<string, UserState>;
  /** Live roles only; deleted roles are removed. */
  roles: PersistentMap<string, RoleState>;
  /** userId -> roleIds held. */
  assignments: PersistentMap<string, PersistentSet<string>>;
  /** Ids of deleted roles, kept so an id is never reused for a different role. */
  retiredRoleIds: PersistentSet<string>;
  /** roleId -> userIds holding it: the assignments read the other way round. */
  holders: PersistentMap<string, PersistentSet<string>>;
  /** Lower-cased code -> roleId of the live role with it (codes are unique ignoring case). */
  roleIdsByCode: PersistentMap<string, string>;
  /** Permission-change requests by id, decided ones included (they are final, and ids are never reused). */
  requests: RequestMap;
}>;

export type CompanyState = AbsentCompany | RegisteredCompany;

export const initialCompanyState = (): CompanyState => ({ status: 'absent' });

// evolve never mutates a state someone else may still hold (the cached state a retry decides
// on again, a test's fixture): the persistent maps share what an event leaves untouched, so
// every event costs O(log n) however many users and roles the company has.
function evolveRegistered(state: RegisteredCompany, event: CompanyEvent): RegisteredCompany {
  if (isPermissionRequestEvent(event)) return { ...state, requests: evolveRequests(state.requests, event) };
  switch (event.type) {
    case 'CompanyRegistered':
      // decide() forbids a second registration; ignoring keeps replay total.
      return state;
    case 'UserRegistered': {
      const { userId, email, displayName } = event.data;
      return { ...state, users: state.users.set(userId, { userId, email, displayName }) };
    }
    case 'RoleDefined':
    case 'RoleUpdated':
    case 'RoleDeleted':
      return evolveRoles(state, event);
    case 'RoleGranted':
      return assigned(state, event.data.userId, event.data.roleId, true);
    case 'RoleRevoked':
      return assigned(state, event.data.userId, event.data.roleId, false);
    default:
      return assertNever(event);
  }
}

export function evolveCompany(state: CompanyState, event: CompanyEvent): CompanyState {
  if (state.status === 'registered') return evolveRegistered(state, event);
  if (event.type !== 'CompanyRegistered') return state;
  return {
    status: 'registered',
    companyId: event.data.companyId,
    name: event.data.name,
    users: PersistentMap.empty(),
    roles: PersistentMap.empty(),
    assignments: PersistentMap.empty(),
    retiredRoleIds: PersistentSet.empty(),
    holders: PersistentMap.empty(),
    roleIdsByCode: PersistentMap.empty(),
    requests: PersistentMap.empty(),
  };
}
