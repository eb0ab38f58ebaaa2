import { Injectable } from '@nestjs/common';
import { asUser, type Db, readAsUser, type Trx } from '#infra/database/database';
import { ApiRuntime } from '../api-runtime';
import type { RequestUser } from '../http/request-user';
import { decodeCursor, type Page, toPage } from '../pagination/page';
import type { UserDto, UserRoleDto } from './user-dtos';

type UserRow = Awaited<ReturnType<ReturnType<typeof selectUsers>['executeTakeFirstOrThrow']>>;

const toUser = (row: UserRow): UserDto => ({
  id: row.id,
  companyId: row.company_id,
  email: row.email,
  displayName: row.display_name,
  createdAt: row.created_at.toISOString(),
});

/** User reads as the caller through RLS. */
@Injectable()
export class UsersQueries {
  constructor(private readonly runtime: ApiRuntime) {}

  async list(user: RequestUser, limit: number, cursor: string | undefined): Promise<Page<UserDto>> {
    const after = decodeCursor(cursor, 2);
    let query = selectUsers(this.runtime.db).orderBy('u.email').orderBy('u.id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('u.email', 'u.id'), '>', eb.tuple(after[0]!, after[1]!)));
    const rows = await readAsUser(this.runtime.pool, user.claims, query);
    return toPage(rows, limit, toUser, (row) => [row.email, row.id]);
  }

  async get(user: RequestUser, id: string): Promise<UserDto | undefined> {
    const [row] = await readAsUser(this.runtime.pool, user.claims, selectUsers(this.runtime.db).where('u.id', '=', id));
    return row === undefined ? undefined : toUser(row);
  }

  /**
   * A user's role assignments, or undefined when the user is not visible (another company).
   * user_roles RLS shows a member only their own: for a colleague they get an empty list.
   */
  async roles(user: RequestUser, id: string): Promise<UserRoleDto[] | undefined> {
    return asUser(this.runtime.db, user.claims, async (trx) => {
      const visible = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
      if (visible === undefined) return undefined;
      const rows = await trx
        .selectFrom('user_roles as ur')
        .innerJoin('roles as r', 'r.id', 'ur.role_id')
        .select(['r.id', 'r.code', 'r.name', 'r.scope', 'ur.granted_at'])
        .where('ur.user_id', '=', id)
        .orderBy('r.code')
        .orderBy('r.id')
        .execute();
      return rows.map((row) => ({
        roleId: row.id,
        code: row.code,
        name: row.name,
        scope: row.scope,
        grantedAt: row.granted_at.toISOString(),
      }));
    });
  }
}

function selectUsers(db: Db | Trx) {
  return db.selectFrom('users as u').select(['u.id', 'u.company_id', 'u.email', 'u.display_name', 'u.created_at']);
}
