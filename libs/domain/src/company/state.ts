import { assertNever } from '../shared/decider';
import { PersistentMap, PersistentSet } from '../shared/persistent-map';
import type { CompanyEvent, RoleScope } from './events';
import { evolveRequests, type RequestMap } from './request-state';

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
  /** Permission-change requests by id, decided ones included (they are final, and ids are never reused). */
  requests: RequestMap;
}>;

export type CompanyState = AbsentCompany | RegisteredCompany;

export const initialCompanyState = (): CompanyState => ({ status: 'absent' });

// evolve never mutates a state someone else may still hold (the cached state a retry decides
// on again, a test's fixture): the persistent maps share what an event leaves untouched.
function removeRoleFromAssignments(
  assignments: PersistentMap<string, PersistentSet<string>>,
  roleId: string,
): PersistentMap<string, PersistentSet<string>> {
  let result = assignments;
  for (const [userId, roleIds] of assignments) {
    if (roleIds.has(roleId)) result = result.set(userId, roleIds.delete(roleId));
  }
  return result;
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
      return { ...state, roles: state.roles.set(roleId, role) };
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
      return {
        ...state,
        roles: state.roles.delete(roleId),
        // decide() refuses to delete assigned roles; cleaning up anyway keeps
        // the state consistent if history ever says otherwise.
        assignments: removeRoleFromAssignments(state.assignments, roleId),
        retiredRoleIds: state.retiredRoleIds.add(roleId),
      };
    }
    case 'RoleGranted': {
      const { userId, roleId } = event.data;
      const held = (state.assignments.get(userId) ?? PersistentSet.empty<string>()).add(roleId);
      return { ...state, assignments: state.assignments.set(userId, held) };
    }
    case 'RoleRevoked': {
      const { userId, roleId } = event.data;
      const held = (state.assignments.get(userId) ?? PersistentSet.empty<string>()).delete(roleId);
      return { ...state, assignments: state.assignments.set(userId, held) };
    }
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
    requests: PersistentMap.empty(),
  };
}
