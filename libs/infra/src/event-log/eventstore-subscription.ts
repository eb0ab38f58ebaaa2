/**
 * subscribeAll over EventStoreDB: a catch-up subscription to $all (exclusive of its start, as the
 * server's is), then live; system events and $$ streams are never delivered. The client does not
 * resubscribe by itself: on CANCELLED (1, the server went away) or UNAVAILABLE (14, not back yet)
 * this resubscribes from the last delivered position, so nothing is delivered twice or skipped.
 */
import { excludeSystemEvents, type AllStreamResolvedEvent, type EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions } from './event-log';
import { fromPosition, isReconnectable, toRecorded } from './eventstore-records';
import { START, type Position } from './position';

export type SubscriptionOwner = Readonly<{
  register: (stop: () => void) => void;
  unregister: (stop: () => void) => void;
  closed: () => boolean;
}>;

const RETRY_MS = [50, 100, 250, 500, 1000];

export async function* subscribeAllWithReconnect(
  client: EventStoreDBClient,
  options: SubscribeOptions,
  owner: SubscriptionOwner,
): AsyncGenerator<RecordedEvent> {
  const { signal } = options;
  let after: Position = options.after ?? START;
  let failures = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  owner.register(stop);
  signal?.addEventListener('abort', stop, { once: true });
  const done = (): boolean => stopped || signal?.aborted === true || owner.closed();
  try {
    while (!done()) {
      const queue: RecordedEvent[] = [];
      let failure: unknown;
      let ended = false;
      const subscription = client.subscribeToAll({ fromPosition: fromPosition(after), filter: excludeSystemEvents() });
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const recorded = toRecorded(resolved);
        if (recorded) queue.push(recorded);
        wake?.();
      });
      subscription.on('confirmation', () => (failures = 0));
      subscription.on('error', (error: unknown) => {
        failure = error;
        wake?.();
      });
      subscription.on('end', () => {
        ended = true;
        wake?.();
      });
      try {
        while (!done()) {
          const next = queue.shift();
          if (next) {
            after = next.position;
            failures = 0;
            yield next;
            continue;
          }
          if (failure !== undefined || ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        subscription.removeAllListeners('data');
        await subscription.unsubscribe().catch(() => undefined);
      }
      if (done()) return;
      if (failure !== undefined && !isReconnectable(failure)) throw failure;
      // The server went away (or ended the call): resubscribe from the last delivered event.
      await pause(RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!, (w) => (wake = w));
      wake = undefined;
      failures += 1;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    owner.unregister(stop);
  }
}

function pause(ms: number, setWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    setWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
