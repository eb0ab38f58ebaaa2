import { Injectable } from '@nestjs/common';
import { companyStreamName, NotFound } from '#domain';
import { verifyLog } from '#infra/audit/verify-log';
import type { RecordedEvent } from '#infra/event-log/event-log';
import { ApiRuntime } from '../api-runtime';
import { badRequest } from '../http/problem';
import type { UserActor } from '../http/request-user';
import { requireAuditAccess } from './audit-access';
import { readStreamCursor, streamCursor } from './audit-cursor';
import type { AuditEventsQueryDto, AuditQueryDto, StateCategory } from './audit-dtos';
import { type ExportedEvent, toExportedEvent } from '#infra/audit/export-events';
import { type HistoryPage, readHistory } from './audit-history-pages';
import { type PointInTimeState, readStateAt } from './audit-state';


export type AuditPage = Readonly<{ stream: string; events: readonly ExportedEvent[]; next: string | null; nextFrom: string | null }>;

/** History for auditors (Vibot.admin or Vibot.auditor), and only of their own company. */
@Injectable()
export class AuditReader {
  constructor(private readonly runtime: ApiRuntime) {}

  /**
   * One stream, a page at a time. The cursor is the next revision: a stream's revisions become
   * visible in order (appends to one stream take its row lock in turn), so nothing can appear
   * behind it. `from` (a revision) still works for clients written before cursors.
   */
  async readStream(actor: UserActor, stream: string, query: AuditQueryDto): Promise<AuditPage> {
    if (query.cursor !== undefined && query.from !== undefined) {
      throw badRequest('validation_failed', 'Invalid request: from', [{ field: 'from', messages: ['from cannot be combined with cursor'] }]);
    }
    const from = query.cursor !== undefined ? readStreamCursor(query.cursor, stream) : BigInt(query.from ?? '0');
    const limit = query.limit ?? 100;
    await requireAuditAccess(this.runtime.pipeline, actor);
    const log = this.runtime.eventLog;
    const read = await log.readStream(stream, { from, limit: limit + 1 });
    const events = read.slice(0, limit);
    // The first event says whose stream it is even when the page itself is empty.
    const first = events[0]?.revision === 0n ? events[0] : (await log.readStream(stream, { from: 0n, limit: 1 }))[0];
    const owned = (event: RecordedEvent): boolean => event.metadata.tenant?.companyId === actor.companyId;
    // Another tenant's stream answers exactly like a missing one: its existence is not disclosed.
    if (first === undefined || !owned(first) || !events.every(owned)) {
      throw new NotFound('stream_not_found', 'Stream not found', { stream });
    }
    const last = events[events.length - 1];
    const nextRevision = read.length > limit && last !== undefined ? last.revision + 1n : undefined;
    return {
      stream,
      events: events.map(toExportedEvent),
      next: nextRevision !== undefined ? streamCursor(stream, nextRevision) : null,
      nextFrom: nextRevision !== undefined ? nextRevision.toString() : null,
    };
  }

  /** The company's whole history across its streams, filtered, in log order (see audit-history.ts). */
  readHistory(actor: UserActor, query: AuditEventsQueryDto): Promise<HistoryPage> {
    return readHistory(this.runtime, actor, query);
  }

  /** One aggregate's state at a past moment, folded from its own events (see audit-state.ts). */
  readState(actor: UserActor, category: StateCategory, id: string, at: string | undefined): Promise<PointInTimeState> {
    return readStateAt(this.runtime, actor, category, id, at);
  }

  /**
   * A permission change request's whole story: its request, each approval, the role changes it
   * caused (their causationId is the approval that applied them) and its decision, in order.
   */
  async readRequestHistory(actor: UserActor, requestId: string): Promise<AuditPage & { requestId: string }> {
    await requireAuditAccess(this.runtime.pipeline, actor);
    const recorded = await this.runtime.eventLog.readStream(companyStreamName(actor.companyId));
    const events = recorded.filter((event) => (event.data as { requestId?: unknown }).requestId === requestId);
    if (events.length === 0) throw new NotFound('request_not_found', 'Permission change request not found', { requestId });
    return { requestId, stream: companyStreamName(actor.companyId), events: events.map(toExportedEvent), next: null, nextFrom: null };
  }

  /**
   * Tamper evidence: recomputes the hash chains of the company's streams (or one of them) and
   * names the first broken link of each. Another company's stream answers as a missing one.
   */
  async verify(actor: UserActor, stream: string | undefined): Promise<{ streams: number; events: number; broken: { stream: string; revision: string; reason: string }[] }> {
    await requireAuditAccess(this.runtime.pipeline, actor);
    if (stream !== undefined) {
      const [first] = await this.runtime.eventLog.readStream(stream, { from: 0n, limit: 1 });
      if (first?.metadata.tenant?.companyId !== actor.companyId) throw new NotFound('stream_not_found', 'Stream not found', { stream });
    }
    const result = await verifyLog(this.runtime.pool, this.runtime.eventLog, stream !== undefined ? { stream } : { companyId: actor.companyId });
    return { ...result, broken: result.broken.map((b) => ({ stream: b.stream, revision: b.revision.toString(), reason: b.reason })) };
  }
}
