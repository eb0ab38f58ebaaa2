import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { Pool } from 'pg';
import type { EventLog } from '#infra/event-log/event-log';
import { appendSteps } from './append-workload';
import { benchEvents } from './bench-payload';
import { timed } from './bench-server';
import type { BenchSettings } from './bench-settings';
import type { Step } from './measure';
import { rawInsertSteps } from './raw-baseline';

/** One interleaved round at one batch size: raw INSERT, our log, Emmett, one after the other. */
export type AppendRound = Readonly<{ round: number; size: number; raw: number; ours: number; emmett: number }>;

type EmmettStore = ReturnType<typeof getPostgreSQLEventStore>;

/**
 * Emmett's PostgreSQL event store (the peer) appending the same payloads the same way: one
 * writer per stream, `appendsPerStream` appends to each, at the exact stream version it returned.
 */
function emmettSteps(store: EmmettStore, settings: BenchSettings, batchSize: number): Step[] {
  return Array.from({ length: settings.writers }, (_, writer) => {
    let stream = '';
    let expected: bigint | 'STREAM_DOES_NOT_EXIST' = 'STREAM_DOES_NOT_EXIST';
    let appends = settings.appendsPerStream;
    return async () => {
      if (appends >= settings.appendsPerStream) {
        stream = `emmett_${writer}-${randomUUID()}`;
        expected = 'STREAM_DOES_NOT_EXIST';
        appends = 0;
      }
      const events = benchEvents(batchSize).map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata } }));
      const result = await store.appendToStream(stream, events, { expectedStreamVersion: expected });
      expected = result.nextExpectedStreamVersion;
      appends += 1;
      return batchSize;
    };
  });
}

/**
 * Appends of 1 and of `batchSize` events with 8 writers, in `rounds` interleaved rounds of raw
 * INSERT (the same rows into a plain table of the same shape), our log, and Emmett, on the same
 * database: a drift of the machine during the run affects all three alike. Units per second.
 */
export async function measureAppendRounds(owner: Pool, ownerUrl: string, ours: EventLog, settings: BenchSettings, rounds: number): Promise<AppendRound[]> {
  const store = getPostgreSQLEventStore(ownerUrl, { connectionOptions: { connectionString: ownerUrl, pooled: true } as never });
  // Emmett creates its schema on first use: outside the measurement.
  await store.appendToStream(`emmett_warm-${randomUUID()}`, [{ type: 'Warm', data: {} }], { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
  const results: AppendRound[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const size of [1, settings.batchSize]) {
        const raw = await timed(owner, rawInsertSteps(owner, settings, size), settings);
        const log = await timed(owner, appendSteps(ours, settings, size), settings);
        const emmett = await timed(owner, emmettSteps(store, settings, size), settings);
        results.push({ round, size, raw: raw.unitsPerSec, ours: log.unitsPerSec, emmett: emmett.unitsPerSec });
      }
    }
  } finally {
    await store.close();
  }
  return results;
}

