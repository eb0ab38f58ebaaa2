import { randomUUID } from 'node:crypto';
import type { EventLog, ExpectedRevision } from '#infra/event-log/event-log';
import { benchEvents } from './bench-payload';
import type { BenchSettings } from './bench-settings';
import type { Step } from './measure';

/**
 * One step per writer. Each writer owns its streams, so appends never conflict: the first
 * append of a stream expects `no_stream`, later ones the exact revision the log returned.
 */
export function appendSteps(
  log: Pick<EventLog, 'append'>,
  settings: BenchSettings,
  batchSize: number,
  streamPrefix = 'bench',
): Step[] {
  return Array.from({ length: settings.writers }, (_, writer) => {
    let stream = '';
    let expected: ExpectedRevision = 'no_stream';
    let appends = settings.appendsPerStream;
    return async () => {
      if (appends >= settings.appendsPerStream) {
        stream = `${streamPrefix}_${writer}-${randomUUID()}`;
        expected = 'no_stream';
        appends = 0;
      }
      const result = await log.append(stream, benchEvents(batchSize), { expected });
      expected = result.nextRevision;
      appends += 1;
      return batchSize;
    };
  });
}
