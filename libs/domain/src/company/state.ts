import { assertNever } from '../shared/decider';
import { PersistentMap, PersistentSet } from '../shared/persistent-map';
import type { CompanyEvent, RoleScope } from './events';
import { evolveRequests, type RequestMap } from './permission-requests/request-state';
import { roleCodeKey } from './roles/role-rules';

export type UserState = Readonly<{ userId: string; email: string; displayName: string | null }>;

export type RoleState = Readonly<{
  roleId: string;
  code: string;
  name: string;
  description: string | null;
  scope: RoleScope;
  builtIn: boolean;
  /** 1n once defined, +1n per RoleUpdated; the optimistic-concurrency token for role edits. */
  revision: bigint;
}>;

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
const EMPTY = PersistentSet.empty<string>();

function assigned(state: RegisteredCompany, userId: string, roleId: string, held: boolean): RegisteredCompany {
  const roles = state.assignments.get(userId) ?? EMPTY;
  const users = state.holders.get(roleId) ?? EMPTY;
  return {
    ...state,
    assignments: state.assignments.set(userId, held ? roles.add(roleId) : roles.delete(roleId)),
    holders: state.holders.set(roleId, held ? users.add(userId) : users.delete(userId)),
  };
}

function evolveRegistered(state: RegisteredCompany, event: CompanyEvent): RegisteredCompany {
  switch (event.type) {
    case 'CompanyRegistered':
      // decide() forbids a second registration; ignoring keeps replay total.
      return state;
    case 'UserRegistered': {
      const { userId, email, displayName } = event.data;
      return { ...state, users: state.users.set(userId, { userId, email, displayName }) };
    }
    case 'RoleDefined': {
      const { roleId, code, name, description, scope, builtIn } = event.data;
      const role: RoleState = { roleId, code, name, description, scope, builtIn, revision: 1n };
      return { ...state, roles: state.roles.set(roleId, role), roleIdsByCode: state.roleIdsByCode.set(roleCodeKey(code), roleId) };
    }
    case 'RoleUpdated': {
      const current = state.roles.get(event.data.roleId);
      if (current === undefined) return state;
      const { name, description, scope } = event.data;
      const role: RoleState = { ...current, name, description, scope, revision: current.revision + 1n };
      return { ...state, roles: state.roles.set(role.roleId, role) };
    }
    case 'RoleDeleted': {
      const { roleId } = event.data;
      const role = state.roles.get(roleId);
      const code = role === undefined ? undefined : roleCodeKey(role.code);
      // decide() refuses to delete assigned roles; cleaning up anyway keeps
      // the state consistent if history ever says otherwise.
      let cleared = state;
      for (const userId of state.holders.get(roleId) ?? EMPTY) cleared = assigned(cleared, userId, roleId, false);
      return {
        ...cleared,
        roles: state.roles.delete(roleId),
        holders: cleared.holders.delete(roleId),
        roleIdsByCode: code !== undefined && state.roleIdsByCode.get(code) === roleId ? state.roleIdsByCode.delete(code) : state.roleIdsByCode,
        retiredRoleIds: state.retiredRoleIds.add(roleId),
      };
    }
    case 'RoleGranted':
      return assigned(state, event.data.userId, event.data.roleId, true);
    case 'RoleRevoked':
      return assigned(state, event.data.userId, event.data.roleId, false);
    case 'PermissionChangeRequested':
    case 'PermissionChangeStepApproved':
    case 'PermissionChangeApproved':
    case 'PermissionChangeRejected':
    case 'PermissionChangeCancelled':
    case 'PermissionChangeExpired':
      return { ...state, requests: evolveRequests(state.requests, event) };
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
