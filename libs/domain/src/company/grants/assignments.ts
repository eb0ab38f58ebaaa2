import { PersistentSet } from '../../shared/persistent-map';
import type { RegisteredCompany } from '../state';

const EMPTY = PersistentSet.empty<string>();

/** A user now holds (or no longer holds) a role, in both directions of the index. */
export function assigned(state: RegisteredCompany, userId: string, roleId: string, held: boolean): RegisteredCompany {
  const roles = state.assignments.get(userId) ?? EMPTY;
  const users = state.holders.get(roleId) ?? EMPTY;
  return {
    ...state,
    assignments: state.assignments.set(userId, held ? roles.add(roleId) : roles.delete(roleId)),
    holders: state.holders.set(roleId, held ? users.add(userId) : users.delete(userId)),
  };
}
