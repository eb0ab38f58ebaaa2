import { Injectable } from '@nestjs/common';
import { type Db, readAsUser } from '#infra/database/database';
import { ApiRuntime } from '../api-runtime';
import type { RequestUser } from '../http/request-user';
import { decodeCursor, type Page, toPage } from '../pagination/page';
import type { RoleDto } from './role-dtos';

type RoleRow = Awaited<ReturnType<ReturnType<typeof selectRoles>['executeTakeFirstOrThrow']>>;

const toRole = (row: RoleRow): RoleDto => ({
  id: row.id,
  companyId: row.company_id,
  code: row.code,
  name: row.name,
  description: row.description,
  scope: row.scope,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  revision: row.revision,
});

/** Role reads, always as the caller through RLS: what a tenant may not see does not exist here. */
@Injectable()
export class RolesQueries {
  constructor(private readonly runtime: ApiRuntime) {}

  async list(user: RequestUser, limit: number, cursor: string | undefined): Promise<Page<RoleDto>> {
    const after = decodeCursor(cursor, 2);
    let query = selectRoles(this.runtime.db).orderBy('r.code').orderBy('r.id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('r.code', 'r.id'), '>', eb.tuple(after[0]!, after[1]!)));
    const rows = await readAsUser(this.runtime.pool, user.claims, query);
    return toPage(rows, limit, toRole, (row) => [row.code, row.id]);
  }

  async get(user: RequestUser, id: string): Promise<RoleDto | undefined> {
    const [row] = await readAsUser(this.runtime.pool, user.claims, selectRoles(this.runtime.db).where('r.id', '=', id));
    return row === undefined ? undefined : toRole(row);
  }
}

function selectRoles(db: Db) {
  return db
    .selectFrom('roles as r')
    .leftJoin('entity_revisions as er', (join) =>
      join.onRef('er.entity_id', '=', 'r.id').on('er.entity_type', '=', 'role'),
    )
    .select(['r.id', 'r.company_id', 'r.code', 'r.name', 'r.description', 'r.scope', 'r.created_at', 'r.updated_at', 'er.revision']);
}
