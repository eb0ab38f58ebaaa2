import type { Pool } from 'pg';
import type { EventLog } from '../event-log/event-log';
import { firstBrokenLink, type BrokenLink } from '../event-log/hash-chain';

export type LogVerification = Readonly<{ streams: number; events: number; broken: readonly BrokenLink[] }>;

/**
 * Walks each stream's hash chain, recomputing every hash in JS (independently of the SQL that
 * wrote it), and reports the first broken link of each stream. `companyId` limits it to the
 * streams of one tenant; `stream` to one stream.
 */
export async function verifyLog(pool: Pool, log: EventLog, scope: { companyId?: string; stream?: string } = {}): Promise<LogVerification> {
  const streams = scope.stream
    ? [scope.stream]
    : (
        await pool.query<{ stream_id: string }>(
          scope.companyId
            ? `SELECT DISTINCT stream_id FROM event_log.events WHERE metadata -> 'tenant' ->> 'companyId' = $1 ORDER BY stream_id`
            : 'SELECT stream_id FROM event_log.streams ORDER BY stream_id',
          scope.companyId ? [scope.companyId] : [],
        )
      ).rows.map((r) => r.stream_id);
  const broken: BrokenLink[] = [];
  let events = 0;
  for (const stream of streams) {
    const recorded = await log.readStream(stream);
    events += recorded.length;
    const link = firstBrokenLink(recorded);
    if (link) broken.push(link);
  }
  return { streams: streams.length, events, broken };
}
