import type { Pool } from 'pg';
import type { CompanyState } from '#domain';

/** The read tables of some companies, in a stable order, for comparing with the fold of events. */
export async function readModelOf(owner: Pool, companyIds: readonly string[]): Promise<unknown> {
  const q = async (sql: string): Promise<unknown[]> => (await owner.query(sql, [companyIds])).rows;
  return {
    companies: await q('SELECT id, name FROM companies WHERE id = ANY($1) ORDER BY id'),
    users: await q('SELECT id, company_id, email, display_name FROM users WHERE company_id = ANY($1) ORDER BY id'),
    roles: await q(`SELECT r.id, r.company_id, r.code, r.name, r.description, r.scope, v.revision
                      FROM roles r LEFT JOIN entity_revisions v ON v.entity_type = 'role' AND v.entity_id = r.id
                     WHERE r.company_id = ANY($1) ORDER BY r.id`),
    userRoles: await q('SELECT user_id, role_id FROM user_roles WHERE company_id = ANY($1) ORDER BY user_id, role_id'),
  };
}

/** What the read tables must hold according to the domain's own fold of the events. */
export function expectedReadModel(states: readonly CompanyState[]): unknown {
  const byId = <T extends { id: string }>(rows: T[]): T[] => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const registered = states.flatMap((s) => (s.status === 'registered' ? [s] : []));
  return {
    companies: byId(registered.map((s) => ({ id: s.companyId, name: s.name }))),
    users: byId(registered.flatMap((s) => [...s.users.values()].map((u) => ({ id: u.userId, company_id: s.companyId, email: u.email, display_name: u.displayName })))),
    roles: byId(
      registered.flatMap((s) =>
        [...s.roles.values()].map((r) => ({
          id: r.roleId, company_id: s.companyId, code: r.code, name: r.name, description: r.description, scope: r.scope, revision: r.revision.toString(),
        })),
      ),
    ),
    userRoles: registered
      .flatMap((s) => [...s.assignments.entries()].flatMap(([userId, roleIds]) => [...roleIds].map((roleId) => ({ user_id: userId, role_id: roleId }))))
      .sort((a, b) => (a.user_id + a.role_id < b.user_id + b.role_id ? -1 : 1)),
  };
}
