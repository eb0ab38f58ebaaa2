import type { RecordedEvent } from '../event-log/event-log';
import { upcast } from '../event-log/upcasters';
import type { ReadTable, RowOf, RowStore } from './row-store';

export type ProjectedEvent = Readonly<{ type: string; data: unknown }>;

/**
 * A named read model fed from the log, typed by the events it handles. `apply` changes the rows
 * an event touches in the RowStore; the projector writes them back in bulk, in the transaction
 * that moves the checkpoint. Live or replayed, the same code decides every row.
 */
export type Projection<E extends ProjectedEvent = ProjectedEvent> = Readonly<{
  name: string;
  /** The event types of E: the projector hands `apply` only those, so `event` is an E. */
  handles: ReadonlySet<string>;
  /** `event` is upcast to its current shape; `recorded` says where it stands in the log. */
  apply(rows: RowStore, event: E, recorded: RecordedEvent): Promise<void>;
}>;

/** One event of a batch as a projection gets it: upcast once, beside what the log recorded. */
export type Projected = Readonly<{ event: ProjectedEvent; recorded: RecordedEvent }>;

/** The events of a batch the projection handles, each upcast here and nowhere else. */
export const projectedOf = (projection: Projection, batch: readonly RecordedEvent[]): Projected[] =>
  batch.filter((recorded) => projection.handles.has(recorded.type)).map((recorded) => ({ event: upcast(recorded), recorded }));

export async function applyProjected(projection: Projection, rows: RowStore, events: readonly Projected[]): Promise<void> {
  for (const { event, recorded } of events) await projection.apply(rows, event, recorded);
}

/**
 * Several handlers as ONE projection: one checkpoint, applied in log order in the same
 * transactions. Read tables with foreign keys between them must be projected this way, or a
 * rebuild could write a connector before the company it references.
 */
export function composeProjections(name: string, parts: readonly Projection[]): Projection {
  return {
    name,
    handles: new Set(parts.flatMap((part) => [...part.handles])),
    apply: async (rows, event, recorded) => {
      for (const part of parts) if (part.handles.has(event.type)) await part.apply(rows, event, recorded);
    },
  };
}

/** Like INSERT … ON CONFLICT DO NOTHING: a replayed event never overwrites what came after it. */
export async function insertIfAbsent<T extends ReadTable>(rows: RowStore, table: T, row: RowOf<T>): Promise<void> {
  if (!(await rows.get(table, row))) rows.put(table, row);
}
