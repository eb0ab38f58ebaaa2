import type { RecordedEvent } from '../event-log/event-log';
import type { Trx } from '../database/database';

/**
 * A named read model fed from the log. `apply` runs inside the projector's transaction (as
 * service_role), together with the checkpoint move; it must be idempotent anyway.
 */
export type Projection = Readonly<{
  name: string;
  handles: ReadonlySet<string>;
  apply: (trx: Trx, event: RecordedEvent) => Promise<void>;
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
    apply: async (trx, event) => {
      for (const part of parts) if (part.handles.has(event.type)) await part.apply(trx, event);
    },
  };
}
