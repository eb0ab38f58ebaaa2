import { assertNever } from '../shared/decider';
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
  users: ReadonlyMap<string, UserState>;
  /** Live roles only; deleted roles are removed. */
  roles: ReadonlyMap<string, RoleState>;
  /** userId -> roleIds held. */
  assignments: ReadonlyMap<string, ReadonlySet<string>>;
  /** Ids of deleted roles, kept so an id is never reused for a different role. */
  retiredRoleIds: ReadonlySet<string>;
  /** Permission-change requests by id, decided ones included (they are final, and ids are never reused). */
  requests: RequestMap;
}>;

export type CompanyState = AbsentCompany | RegisteredCompany;

export const initialCompanyState = (): CompanyState => ({ status: 'absent' });

// Copy-on-write helpers: evolve must never mutate a state someone else may
// still hold (e.g. the snapshot a test or a retry loop started from).
function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

function withMember<T>(set: ReadonlySet<T> | undefined, value: T): ReadonlySet<T> {
  return new Set(set).add(value);
}

function withoutMember<T>(set: ReadonlySet<T> | undefined, value: T): ReadonlySet<T> {
  const copy = new Set(set);
  copy.delete(value);
  return copy;
}

function removeRoleFromAssignments(
  assignments: ReadonlyMap<string, ReadonlySet<string>>,
  roleId: string,
): ReadonlyMap<string, ReadonlySet<string>> {
  const copy = new Map<string, ReadonlySet<string>>();
  for (const [userId, roleIds] of assignments) {
    copy.set(userId, roleIds.has(roleId) ? withoutMember(roleIds, roleId) : roleIds);
  }
  return copy;
}

function evolveRegistered(state: RegisteredCompany, event: CompanyEvent): RegisteredCompany {
  switch (event.type) {
    case 'CompanyRegistered':
      // decide() forbids a second registration; ignoring keeps replay total.
      return state;
    case 'UserRegistered': {
      const { userId, email, displayName } = event.data;
      return { ...state, users: withEntry(state.users, userId, { userId, email, displayName }) };
    }
    case 'RoleDefined': {
      const { roleId, code, name, description, scope, builtIn } = event.data;
      const role: RoleState = { roleId, code, name, description, scope, builtIn, revision: 1n };
      return { ...state, roles: withEntry(state.roles, roleId, role) };
    }
    case 'RoleUpdated': {
      const current = state.roles.get(event.data.roleId);
      if (current === undefined) return state;
      const { name, description, scope } = event.data;
      const role: RoleState = { ...current, name, description, scope, revision: current.revision + 1n };
      return { ...state, roles: withEntry(state.roles, role.roleId, role) };
    }
    case 'RoleDeleted': {
      const { roleId } = event.data;
      return {
        ...state,
        roles: withoutEntry(state.roles, roleId),
        // decide() refuses to delete assigned roles; cleaning up anyway keeps
        // the state consistent if history ever says otherwise.
        assignments: removeRoleFromAssignments(state.assignments, roleId),
        retiredRoleIds: withMember(state.retiredRoleIds, roleId),
      };
    }
    case 'RoleGranted': {
      const { userId, roleId } = event.data;
      const held = withMember(state.assignments.get(userId), roleId);
      return { ...state, assignments: withEntry(state.assignments, userId, held) };
    }
    case 'RoleRevoked': {
      const { userId, roleId } = event.data;
      const held = withoutMember(state.assignments.get(userId), roleId);
      return { ...state, assignments: withEntry(state.assignments, userId, held) };
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
    users: new Map(),
    roles: new Map(),
    assignments: new Map(),
    retiredRoleIds: new Set(),
    requests: new Map(),
  };
}
