import { Injectable } from '@nestjs/common';
import { companyStreamName, NotFound } from '../../../../libs/domain/src';
import { verifyLog } from '../../../../libs/infra/src/audit/verify-log';
import type { RecordedEvent } from '../../../../libs/infra/src/event-log/event-log';
import { formatPosition } from '../../../../libs/infra/src/event-log/position';
import { ApiRuntime } from '../api-runtime';
import type { UserActor } from '../http/request-user';
import { requireAuditAccess } from './audit-access';

export type AuditEvent = Readonly<{
  revision: string;
  position: string;
  type: string;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}>;

export type AuditPage = Readonly<{ stream: string; events: readonly AuditEvent[]; nextFrom: string | null }>;

const toAuditEvent = (event: RecordedEvent): AuditEvent => ({
  revision: event.revision.toString(),
  position: formatPosition(event.position),
  type: event.type,
  // As recorded, not upcast: auditors verify the hash chain over exactly these bytes.
  data: event.data,
  metadata: event.metadata,
  createdAt: event.createdAt,
});

/** History for auditors: admins only, and only streams that belong to their own company. */
@Injectable()
export class AuditReader {
  constructor(private readonly runtime: ApiRuntime) {}

  async readStream(actor: UserActor, stream: string, from: bigint, limit: number): Promise<AuditPage> {
    await requireAuditAccess(this.runtime.eventLog, actor);
    const log = this.runtime.eventLog;
    const events = await log.readStream(stream, { from, limit });
    // The first event says whose stream it is even when the page itself is empty.
    const first = events[0]?.revision === 0n ? events[0] : (await log.readStream(stream, { from: 0n, limit: 1 }))[0];
    const owned = (event: RecordedEvent): boolean => event.metadata.tenant?.companyId === actor.companyId;
    // Another tenant's stream answers exactly like a missing one: its existence is not disclosed.
    if (first === undefined || !owned(first) || !events.every(owned)) {
      throw new NotFound('stream_not_found', 'Stream not found', { stream });
    }
    const last = events[events.length - 1];
    return {
      stream,
      events: events.map(toAuditEvent),
      nextFrom: events.length === limit && last !== undefined ? (last.revision + 1n).toString() : null,
    };
  }

  /**
   * A permission change request's whole story: its request, each approval, the role changes it
   * caused (their causationId is the approval that applied them) and its decision, in order.
   */
  async readRequestHistory(actor: UserActor, requestId: string): Promise<AuditPage & { requestId: string }> {
    const recorded = await requireAuditAccess(this.runtime.eventLog, actor);
    const events = recorded.filter((event) => (event.data as { requestId?: unknown }).requestId === requestId);
    if (events.length === 0) throw new NotFound('request_not_found', 'Permission change request not found', { requestId });
    return { requestId, stream: companyStreamName(actor.companyId), events: events.map(toAuditEvent), nextFrom: null };
  }

  /**
   * Tamper evidence: recomputes the hash chains of the company's streams (or one of them) and
   * names the first broken link of each. Another company's stream answers as a missing one.
   */
  async verify(actor: UserActor, stream: string | undefined): Promise<{ streams: number; events: number; broken: { stream: string; revision: string; reason: string }[] }> {
    await requireAuditAccess(this.runtime.eventLog, actor);
    if (stream !== undefined) {
      const [first] = await this.runtime.eventLog.readStream(stream, { from: 0n, limit: 1 });
      if (first?.metadata.tenant?.companyId !== actor.companyId) throw new NotFound('stream_not_found', 'Stream not found', { stream });
    }
    const result = await verifyLog(this.runtime.pool, this.runtime.eventLog, stream !== undefined ? { stream } : { companyId: actor.companyId });
    return { ...result, broken: result.broken.map((b) => ({ stream: b.stream, revision: b.revision.toString(), reason: b.reason })) };
  }
}
