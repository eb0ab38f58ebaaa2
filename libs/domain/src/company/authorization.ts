// Authorization is decided from the aggregate's own event-sourced state, never
// from a read model, so a lagging projection cannot grant stale privileges.
import type { Actor } from '../shared/decider';
import { Forbidden, NotFound } from '../shared/domain-errors';
import { ADMIN_ROLE_CODE, roleWithCode } from './roles/role-rules';
import type { CompanyState, RegisteredCompany } from './state';

/** Exact (case-sensitive) code match, through roleWithCode: authorization should not be forgiving. */
export function holdsRole(state: CompanyState, userId: string, code: string): boolean {
  if (state.status !== 'registered') return false;
  const role = roleWithCode(state, code);
  return role !== undefined && state.assignments.get(userId)?.has(role.roleId) === true;
}

/** A user of this company: the only callers who may read or change anything in it. */
export function isMember(state: CompanyState, companyId: string, userId: string): boolean {
  return state.status === 'registered' && state.companyId === companyId && state.users.has(userId);
}

export function requireCompany(state: CompanyState): RegisteredCompany {
  if (state.status !== 'registered') throw new NotFound('company_not_found', 'Company not found');
  return state;
}

/** Service actors (the operator CLI) bypass the admin check by design. */
export function requireAdmin(state: RegisteredCompany, actor: Actor): void {
  if (actor.kind === 'service') return;
  const isAdmin =
    actor.companyId === state.companyId &&
    state.users.has(actor.userId) &&
    holdsRole(state, actor.userId, ADMIN_ROLE_CODE);
  if (!isAdmin) throw new Forbidden('not_admin', 'Only company administrators may do this');
}

export function requireService(actor: Actor, action: string): void {
  if (actor.kind !== 'service') {
    throw new Forbidden('service_only', `${action} is currently restricted to operator tooling`);
  }
}
