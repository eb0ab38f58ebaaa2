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
