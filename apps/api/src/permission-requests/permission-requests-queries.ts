import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { type Db, readAsUser } from '#infra/database/database';
import { ApiRuntime } from '../api-runtime';
import { badRequest } from '../http/problem';
import type { RequestUser } from '../http/request-user';
import { decodeCursor, type Page, toPage } from '../pagination/page';
import type { ApprovalStepDto, PermissionRequestDto } from './permission-request-dtos';

// The cursor's timestamp reaches SQL as a cast: anything but what we issued must be a 400, not a 500.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/;

const invalidCursor = () =>
  badRequest('invalid_cursor', 'cursor is not one this API returned', [
    { field: 'cursor', messages: ['must be a nextCursor returned by a previous page'] },
  ]);

export type RequestFilters = Readonly<{ status?: string; targetUserId?: string; requesterId?: string }>;

type RequestRow = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>;

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

const toRequest = (row: RequestRow): PermissionRequestDto => ({
  id: row.id,
  companyId: row.company_id,
  requesterId: row.requester_id,
  targetUserId: row.target_user_id,
  diff: { grant: [...(row.diff.grant ?? [])], revoke: [...(row.diff.revoke ?? [])] },
  status: row.status,
  approvalFlow: row.approval_flow as ApprovalStepDto[],
  reason: row.reason,
  expiresAt: iso(row.expires_at),
  decisionReason: row.decision_reason,
  decidedAt: iso(row.decided_at),
  decisionBy: row.decision_by,
  createdAt: row.created_at.toISOString(),
  revision: row.revision,
});

/**
 * Permission-change request reads as the caller through RLS: the requester and the target see
 * a request, the company's admins see all of them, everyone else sees nothing at all.
 */
@Injectable()
export class PermissionRequestsQueries {
  constructor(private readonly runtime: ApiRuntime) {}

  /** Newest first; the cursor is (created_at, id) of the last row, so pages never shift. */
  async list(user: RequestUser, filters: RequestFilters, limit: number, cursor: string | undefined): Promise<Page<PermissionRequestDto>> {
    const after = decodeCursor(cursor, 2);
    if (after && (!INSTANT.test(after[0]!) || Number.isNaN(Date.parse(after[0]!)))) throw invalidCursor();
    let query = selectRequests(this.runtime.db).orderBy('pr.created_at', 'desc').orderBy('pr.id', 'desc').limit(limit + 1);
    if (filters.status !== undefined) query = query.where('pr.status', '=', filters.status);
    if (filters.targetUserId !== undefined) query = query.where('pr.target_user_id', '=', filters.targetUserId);
    if (filters.requesterId !== undefined) query = query.where('pr.requester_id', '=', filters.requesterId);
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('pr.created_at', 'pr.id'), '<', eb.tuple(sql<Date>`${after[0]!}::timestamptz`, sql<string>`${after[1]!}::uuid`)),
      );
    }
    const rows = await readAsUser(this.runtime.pool, user.claims, query);
    return toPage(rows, limit, toRequest, (row) => [row.created_at_key, row.id]);
  }

  async get(user: RequestUser, id: string): Promise<PermissionRequestDto | undefined> {
    const [row] = await readAsUser(this.runtime.pool, user.claims, selectRequests(this.runtime.db).where('pr.id', '=', id));
    return row === undefined ? undefined : toRequest(row);
  }
}

function selectRequests(db: Db) {
  return db
    .selectFrom('permission_change_requests as pr')
    .leftJoin('permission_change_request_details as d', 'd.request_id', 'pr.id')
    .leftJoin('entity_revisions as er', (join) =>
      join.onRef('er.entity_id', '=', 'pr.id').on('er.entity_type', '=', 'permission_change_request'),
    )
    .select([
      'pr.id',
      'pr.company_id',
      'pr.requester_id',
      'pr.target_user_id',
      'pr.diff',
      'pr.status',
      'pr.approval_flow',
      'pr.decided_at',
      'pr.decision_by',
      'pr.created_at',
      // ISO 8601 whatever the session's DateStyle, and with PostgreSQL's microseconds, which a
      // JS Date would round away (two requests in one millisecond would then skip each other).
      sql<string>`to_json(pr.created_at) #>> '{}'`.as('created_at_key'),
      'd.reason',
      'd.expires_at',
      'd.decision_reason',
      'er.revision',
    ]);
}
