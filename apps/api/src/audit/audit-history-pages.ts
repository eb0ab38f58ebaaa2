import { readCompanyHistory } from '#infra/audit/audit-history';
import { parsePosition, type Position } from '#infra/event-log/position';
import type { ApiRuntime } from '../api-runtime';
import { badRequest } from '../http/problem';
import type { UserActor } from '../http/request-user';
import { requireAuditAccess } from './audit-access';
import { historyCursor, type HistoryFilters, readHistoryCursor } from './audit-cursor';
import { ACTOR, type AuditEventsQueryDto, CATEGORY, isInstant, STREAM, timeRangeOf, TYPES } from './audit-dtos';
import { type ExportedEvent, toExportedEvent } from '#infra/audit/export-events';

export type HistoryPage = Readonly<{ events: readonly ExportedEvent[]; next: string | null }>;

const FILTER_RULES: Readonly<Record<keyof HistoryFilters, (value: string) => boolean>> = {
  type: (value) => TYPES.test(value),
  actor: (value) => ACTOR.test(value),
  stream: (value) => STREAM.test(value),
  category: (value) => CATEGORY.test(value),
  from: isInstant,
  to: isInstant,
};
const FILTER_NAMES = Object.keys(FILTER_RULES) as (keyof HistoryFilters)[];

const fieldError = (field: string, message: string) => badRequest('validation_failed', `Invalid request: ${field}`, [{ field, messages: [message] }]);

/** Repeating a type or listing types in another order asks the same question: one spelling of it. */
const normaliseTypes = (type: string): string => [...new Set(type.split(','))].sort().join(',');

function filtersOf(query: AuditEventsQueryDto): HistoryFilters {
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = query[name];
    if (value !== undefined) filters[name] = name === 'type' ? normaliseTypes(value) : value;
  }
  return filters;
}

/**
 * A cursor continues the query it came from. Filters repeated beside it must be the same (a
 * changed filter would silently skip or repeat events); omitted ones are taken from it. The
 * cursor's own filters are checked like query fields: a client can edit base64 too.
 */
function resolve(query: AuditEventsQueryDto): { filters: HistoryFilters; after?: Position } {
  const given = filtersOf(query);
  if (query.cursor === undefined) {
    return { filters: given, ...(query.after !== undefined ? { after: parsePosition(query.after)! } : {}) };
  }
  if (query.after !== undefined) throw fieldError('after', 'after cannot be combined with cursor: the cursor already says where to continue');
  const { after, filters } = readHistoryCursor(query.cursor);
  const entries = Object.entries(filters) as [keyof HistoryFilters, unknown][];
  if (entries.some(([name, value]) => !FILTER_NAMES.includes(name) || typeof value !== 'string' || !FILTER_RULES[name](value))) {
    throw badRequest('invalid_cursor', 'cursor is not one this endpoint returned', [{ field: 'cursor', messages: ['must be the `next` value of a previous page'] }]);
  }
  for (const name of FILTER_NAMES) {
    if (given[name] !== undefined && given[name] !== filters[name]) {
      throw fieldError(name, `${name} differs from the one the cursor was issued for: repeat the same value or omit it`);
    }
  }
  return { filters, after };
}

/**
 * The company's whole history across all its streams, filtered, in log order, one page at a
 * time. Time filters compare createdAt (when the log recorded the event), as the export does:
 * it grows with the revision in every stream, while occurredAt is the command's own clock.
 */
export async function readHistory(runtime: ApiRuntime, actor: UserActor, query: AuditEventsQueryDto): Promise<HistoryPage> {
  const { filters, after } = resolve(query);
  const range = timeRangeOf(filters);
  await requireAuditAccess(runtime.pipeline, actor);
  const limit = query.limit ?? 100;
  const page = await readCompanyHistory(runtime.pool, {
    companyId: actor.companyId,
    limit,
    ...(filters.type !== undefined ? { types: filters.type.split(',') } : {}),
    ...(filters.actor !== undefined ? { actor: filters.actor } : {}),
    ...(filters.stream !== undefined ? { stream: filters.stream } : {}),
    ...(filters.category !== undefined ? { category: filters.category } : {}),
    ...range,
    ...(after !== undefined ? { after } : {}),
  });
  const last = page.events[page.events.length - 1];
  return { events: page.events.map(toExportedEvent), next: page.more && last !== undefined ? historyCursor(last.position, filters) : null };
}
