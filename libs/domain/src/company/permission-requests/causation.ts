// Which event of one decision's batch caused another: a domain fact ("an approval applies the
// role changes"), kept here so the event log's envelope does not have to know event names.
import type { CompanyEventType } from '../events';

type BatchEvent = Readonly<{ type: string; data: unknown }>;

const APPLIED_BY_APPROVAL: ReadonlySet<string> = new Set<CompanyEventType>(['RoleGranted', 'RoleRevoked']);
const APPROVAL: CompanyEventType = 'PermissionChangeStepApproved';

const requestIdOf = (event: BatchEvent): unknown => (event.data as { requestId?: unknown } | null)?.requestId;

/**
 * Role changes applied by an approval name the request they came from; their cause is the
 * approval event in the same batch, so an auditor can walk from a grant to who approved it.
 * Returns that event's index in `events`, or undefined when the command itself is the cause.
 */
export function causeWithinBatch(events: readonly BatchEvent[], event: BatchEvent): number | undefined {
  const requestId = requestIdOf(event);
  if (typeof requestId !== 'string' || !APPLIED_BY_APPROVAL.has(event.type)) return undefined;
  const index = events.findIndex((e) => e.type === APPROVAL && requestIdOf(e) === requestId);
  return index === -1 ? undefined : index;
}
