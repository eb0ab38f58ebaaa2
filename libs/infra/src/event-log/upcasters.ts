import type { RecordedEvent } from './event-log';
import { SCHEMA_VERSION } from './envelope';

type Upcaster = (data: unknown) => unknown;

/**
 * Event schemas evolve by upcasting on read, never by rewriting the log. Register a function
 * per (type, version it upgrades from); every event read passes through here before evolve().
 */
const upcasters: Record<string, Record<number, Upcaster>> = {};

export function upcast(event: RecordedEvent): { type: string; data: unknown } {
  let version = event.metadata.schemaVersion ?? 1;
  let data = event.data;
  while (version < SCHEMA_VERSION) {
    const step = upcasters[event.type]?.[version];
    if (step) data = step(data);
    version += 1;
  }
  return { type: event.type, data };
}
