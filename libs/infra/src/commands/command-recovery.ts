import type { EventLog, RecordedEvent } from '../event-log/event-log';
import type { Position } from '../event-log/position';

const PAGE = 100;
/** The log's clock and the clock that started the attempt may disagree by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Without a start time, how far back from the stream's end an attempt is looked for. */
const MAX_EVENTS_SCANNED = 10_000n;

export type FoundCommand = Readonly<{
  /** The command's events: contiguous, in revision order. */
  events: readonly RecordedEvent[];
  /** Where the append that carried them landed: its last event, which may be another command's
   *  when commands were appended together (their events share one commit). */
  appendPosition: Position;
}>;

/**
 * The events a command appended, found by reading the stream backwards from its end: an
 * attempt that died started recently, so the search stops at the first event older than
 * `since` (allowing for skew), or after a bounded number of events when no start time is known.
 * Undefined: it appended nothing.
 */
export async function findCommandEvents(log: EventLog, stream: string, commandId: string, since?: Date): Promise<FoundCommand | undefined> {
  const oldest = since === undefined ? undefined : since.getTime() - CLOCK_SKEW_MS;
  const found: RecordedEvent[] = [];
  // The newest event of the run of events sharing the current event's commit (one append).
  let newestOfAppend: RecordedEvent | undefined;
  let newer: RecordedEvent | undefined;
  let from: bigint | undefined;
  let scanned = 0n;
  const result = (): FoundCommand | undefined =>
    found.length === 0 ? undefined : { events: found, appendPosition: (newestOfAppend ?? found[found.length - 1]!).position };
  for (;;) {
    const page = await log.readStream(stream, { direction: 'backwards', ...(from !== undefined ? { from } : {}), limit: PAGE });
    for (const event of page) {
      if (found.length === 0 && (newer === undefined || newer.position.commit !== event.position.commit)) newestOfAppend = event;
      newer = event;
      if (event.metadata.commandId === commandId) found.unshift(event);
      else if (found.length > 0) return result();
      else if (oldest !== undefined && Date.parse(event.createdAt) < oldest) return undefined;
    }
    scanned += BigInt(page.length);
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined || last.revision === 0n) return result();
    if (oldest === undefined && found.length === 0 && scanned >= MAX_EVENTS_SCANNED) return undefined;
    from = last.revision - 1n;
  }
}
