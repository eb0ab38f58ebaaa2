import type { Event } from '../../shared/decider';
import { PersistentSet } from '../../shared/persistent-map';
import { assigned } from '../grants/assignments';
import type { RegisteredCompany } from '../state';
import { roleCodeKey } from './role-rules';

// A role's events and what each does to the company's state, side by side: the part of the
// company aggregate a change to roles touches (its decisions are in decide-roles.ts).

// A template literal keeps scope a plain JSON string while letting the
// compiler reject values that skipped validation.
export type RoleScope = 'global' | `project:${string}`;

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

export type RoleEvent = RoleDefined | RoleUpdated | RoleDeleted;

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

const EMPTY = PersistentSet.empty<string>();

export function evolveRoles(state: RegisteredCompany, event: RoleEvent): RegisteredCompany {
  switch (event.type) {
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
  }
}
