import type { EventLog, RecordedEvent } from '../event-log/event-log';

const PAGE = 100;
/** The log's clock and the clock that started the attempt may disagree by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Without a start time, how far back from the stream's end an attempt is looked for. */
const MAX_EVENTS_SCANNED = 10_000n;

/**
 * The events a command appended (its events share its command id and are contiguous, one
 * append), found by reading the stream backwards from its end: an attempt that died started
 * recently, so the search stops at the first event older than `since` (allowing for skew), or
 * after a bounded number of events when no start time is known. Empty: it appended nothing.
 */
export async function findCommandEvents(log: EventLog, stream: string, commandId: string, since?: Date): Promise<RecordedEvent[]> {
  const oldest = since === undefined ? undefined : since.getTime() - CLOCK_SKEW_MS;
  const found: RecordedEvent[] = [];
  let from: bigint | undefined;
  let scanned = 0n;
  for (;;) {
    const page = await log.readStream(stream, { direction: 'backwards', ...(from !== undefined ? { from } : {}), limit: PAGE });
    for (const event of page) {
      if (event.metadata.commandId === commandId) found.unshift(event);
      else if (found.length > 0) return found;
      else if (oldest !== undefined && Date.parse(event.createdAt) < oldest) return found;
    }
    scanned += BigInt(page.length);
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined || last.revision === 0n) return found;
    if (oldest === undefined && found.length === 0 && scanned >= MAX_EVENTS_SCANNED) return found;
    from = last.revision - 1n;
  }
}
