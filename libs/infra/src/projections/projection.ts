import type { RecordedEvent } from '../event-log/event-log';
import type { ReadTable, RowOf, RowStore } from './row-store';

/**
 * A named read model fed from the log. `apply` changes the rows an event touches in the
 * RowStore; the projector writes them back in bulk, in the transaction that moves the
 * checkpoint. Live or replayed, the same code decides every row.
 */
export type Projection = Readonly<{
  name: string;
  handles: ReadonlySet<string>;
  apply: (rows: RowStore, event: RecordedEvent) => Promise<void>;
}>;

/**
 * Several handlers as ONE projection: one checkpoint, applied in log order in the same
 * transactions. Read tables with foreign keys between them must be projected this way, or a
 * rebuild could write a connector before the company it references.
 */
export function composeProjections(name: string, parts: readonly Projection[]): Projection {
  return {
    name,
    handles: new Set(parts.flatMap((part) => [...part.handles])),
    apply: async (rows, event) => {
      for (const part of parts) if (part.handles.has(event.type)) await part.apply(rows, event);
    },
  };
}

/** Like INSERT … ON CONFLICT DO NOTHING: a replayed event never overwrites what came after it. */
export async function insertIfAbsent<T extends ReadTable>(rows: RowStore, table: T, row: RowOf<T>): Promise<void> {
  if (!(await rows.get(table, row))) rows.put(table, row);
}
