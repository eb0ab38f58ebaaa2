import type { RecordedEvent } from '../../../../libs/infra/src/event-log/event-log';
import { formatPosition } from '../../../../libs/infra/src/event-log/position';

/** One event as every audit endpoint shows it. */
export type AuditEvent = Readonly<{
  type: string;
  stream: string;
  revision: string;
  position: string;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}>;

export const toAuditEvent = (event: RecordedEvent): AuditEvent => ({
  type: event.type,
  stream: event.streamId,
  revision: event.revision.toString(),
  position: formatPosition(event.position),
  // As recorded, not upcast: auditors verify the hash chain over exactly these bytes. Secrets
  // are never in them (credential events carry ciphertext, key id and checksum only).
  data: event.data,
  metadata: event.metadata,
  createdAt: event.createdAt,
});
