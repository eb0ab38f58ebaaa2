// The connector lifecycle as data, so the allowed moves can be read (and
// tested) in one place instead of being implied by scattered if-statements.
//
//              Activate                 3rd failure in a row
//   inactive ───────────▶ active ─────────────────────────▶ error
//      ▲                  │  ▲                                 │
//      └── Deactivate ────┘  └── sync success / Activate ──────┘
//      ▲                                                       │
//      └────────────────────── Deactivate ─────────────────────┘
//
// Update keeps the status; Delete is allowed from every status and is final
// (a deleted connector refuses everything with NotFound, see decider.ts).
import { InvalidTransition } from '../shared/domain-errors';

export const CONNECTOR_STATUSES = ['inactive', 'active', 'error'] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export type StatusTransition =
  | 'activate'
  | 'deactivate'
  | 'update'
  | 'delete'
  | 'syncSucceeded'
  | 'syncFailed'
  /** A failure that makes `FAILURES_BEFORE_ERROR` in a row. */
  | 'failureThresholdReached';

/** Consecutive failed syncs after which an active connector is put in `error`. */
export const FAILURES_BEFORE_ERROR = 3;

// Rows are transitions, columns the current status; a missing cell is illegal.
// - Activate from `error` lets an admin who fixed the cause re-arm the connector
//   (and reset the failure count) without waiting for the next sync.
// - Syncs are refused while `inactive`: the runtime only runs active connectors,
//   so a report that arrives after a deactivation is stale and is dropped.
export const STATUS_TRANSITIONS: Readonly<
  Record<StatusTransition, Readonly<Partial<Record<ConnectorStatus, ConnectorStatus | 'deleted'>>>>
> = {
  activate: { inactive: 'active', error: 'active' },
  deactivate: { active: 'inactive', error: 'inactive' },
  update: { inactive: 'inactive', active: 'active', error: 'error' },
  delete: { inactive: 'deleted', active: 'deleted', error: 'deleted' },
  syncSucceeded: { active: 'active', error: 'active' },
  syncFailed: { active: 'active', error: 'error' },
  failureThresholdReached: { active: 'error', error: 'error' },
};

export function canTransition(from: ConnectorStatus, transition: StatusTransition): boolean {
  return STATUS_TRANSITIONS[transition][from] !== undefined;
}

/** The status after `transition`, or InvalidTransition (HTTP 409) if the table has no cell for it. */
export function nextStatus(from: ConnectorStatus, transition: StatusTransition): ConnectorStatus | 'deleted' {
  const to = STATUS_TRANSITIONS[transition][from];
  if (to === undefined) {
    throw new InvalidTransition('illegal_transition', `Cannot ${transition} a connector that is ${from}`, {
      status: from,
      transition,
    });
  }
  return to;
}
