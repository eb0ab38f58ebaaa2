// Status changes: activation, deactivation, deletion and sync reports. Which
// move is legal from which status is decided by status-machine.ts alone.
import { Invalid } from '../shared/domain-errors';
import { authorizeManagement, requireConnectorOf, requireRuntime } from './authorization';
import type { ActivateConnector, DeactivateConnector, DeleteConnector, RecordSync } from './commands';
import { assertExpectedRevision } from './decide-definition';
import type {
  ConnectorActivated,
  ConnectorDeactivated,
  ConnectorDeleted,
  ConnectorFailed,
  ConnectorSynced,
} from './events';
import { needsCredential } from './provider-catalogue';
import type { ConnectorState } from './state';
import { FAILURES_BEFORE_ERROR, nextStatus } from './status-machine';

const MAX_DETAIL_LENGTH = 2000;
// Full ISO-8601 instants with an explicit offset, so the value means one moment.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function activateConnector(command: ActivateConnector, state: ConnectorState): readonly ConnectorActivated[] {
  const { user, connector } = authorizeManagement(command.metadata.actor, command.data.actorIsAdmin, state);
  nextStatus(connector.status, 'activate');
  // An active connector without a usable secret would only fail every run.
  if (needsCredential(connector.provider) && command.data.hasCurrentCredential !== true) {
    throw new Invalid('credential_required', `Provider "${connector.provider}" needs a credential before activation`, {
      provider: connector.provider,
    });
  }
  const { connectorId, companyId } = connector;
  return [{ type: 'ConnectorActivated', data: { connectorId, companyId, by: user.userId, at: command.metadata.now } }];
}

export function deactivateConnector(command: DeactivateConnector, state: ConnectorState): readonly ConnectorDeactivated[] {
  const { user, connector } = authorizeManagement(command.metadata.actor, command.data.actorIsAdmin, state);
  nextStatus(connector.status, 'deactivate');
  const { connectorId, companyId } = connector;
  return [{ type: 'ConnectorDeactivated', data: { connectorId, companyId, by: user.userId, at: command.metadata.now } }];
}

export function deleteConnector(command: DeleteConnector, state: ConnectorState): readonly ConnectorDeleted[] {
  const { user, connector } = authorizeManagement(command.metadata.actor, command.data.actorIsAdmin, state);
  assertExpectedRevision(connector, command.data.expectedRevision);
  nextStatus(connector.status, 'delete');
  const { connectorId, companyId } = connector;
  return [
    { type: 'ConnectorDeleted', data: { connectorId, companyId, deletedBy: user.userId, deletedAt: command.metadata.now } },
  ];
}

function normalizeDetail(detail: string | undefined): string | null {
  if (detail === undefined || detail === null) return null;
  if (typeof detail !== 'string') throw new Invalid('invalid_detail', 'detail must be a string');
  const trimmed = detail.trim();
  // Truncated rather than refused: losing the tail of an error text is better
  // than losing the record of the run.
  return trimmed.length === 0 ? null : trimmed.slice(0, MAX_DETAIL_LENGTH);
}

export function recordSync(command: RecordSync, state: ConnectorState): readonly (ConnectorSynced | ConnectorFailed)[] {
  requireRuntime(command.metadata.actor);
  // The runtime serves every company, so there is no company to compare with.
  const connector = requireConnectorOf(state, null);
  const { syncedAt, outcome } = command.data;
  if (typeof syncedAt !== 'string' || !INSTANT.test(syncedAt) || Number.isNaN(Date.parse(syncedAt))) {
    throw new Invalid('invalid_synced_at', 'syncedAt must be an ISO-8601 instant with an offset');
  }
  if (outcome !== 'success' && outcome !== 'failure') {
    throw new Invalid('invalid_outcome', 'outcome must be "success" or "failure"');
  }
  const detail = normalizeDetail(command.data.detail);
  const consecutiveFailures = outcome === 'success' ? 0 : connector.consecutiveFailures + 1;
  const transition =
    outcome === 'success' ? 'syncSucceeded' : consecutiveFailures >= FAILURES_BEFORE_ERROR ? 'failureThresholdReached' : 'syncFailed';
  const to = nextStatus(connector.status, transition);
  const { connectorId, companyId } = connector;
  const synced: ConnectorSynced = {
    type: 'ConnectorSynced',
    data: { connectorId, companyId, syncedAt, outcome, detail, consecutiveFailures },
  };
  // Only the move into `error` is a new fact; further failures are just runs.
  if (to === 'error' && connector.status !== 'error') {
    return [synced, { type: 'ConnectorFailed', data: { connectorId, companyId, failedAt: syncedAt, consecutiveFailures } }];
  }
  return [synced];
}
