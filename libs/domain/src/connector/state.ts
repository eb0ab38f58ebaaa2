import { assertNever } from '../shared/decider';
import type { ConnectorConfig } from './config-schemas';
import type { ConnectorEvent } from './events';
import type { ConnectorType, Provider } from './provider-catalogue';
import type { ConnectorSchedule } from './schedule';
import type { ConnectorStatus } from './status-machine';

export type AbsentConnector = Readonly<{ status: 'absent' }>;

export type LiveConnector = Readonly<{
  status: ConnectorStatus;
  connectorId: string;
  companyId: string;
  provider: Provider;
  connectorType: ConnectorType;
  config: ConnectorConfig;
  schedule: ConnectorSchedule;
  /** Last successful sync; failures do not move it (it answers "how fresh is the data"). */
  lastSyncedAt: string | null;
  consecutiveFailures: number;
  /** 1n after registration, +1n per event: the optimistic-concurrency token. */
  revision: bigint;
}>;

// Kept (not reset to absent) so the id is never reused and the company check
// still applies to a deleted connector.
export type DeletedConnector = Readonly<{ status: 'deleted'; connectorId: string; companyId: string; revision: bigint }>;

export type ConnectorState = AbsentConnector | LiveConnector | DeletedConnector;

export const initialConnectorState = (): ConnectorState => ({ status: 'absent' });

function evolveLive(state: LiveConnector, event: ConnectorEvent): ConnectorState {
  const revision = state.revision + 1n;
  switch (event.type) {
    case 'ConnectorRegistered':
      // decide() refuses a second registration; ignoring keeps replay total.
      return state;
    case 'ConnectorUpdated':
      return { ...state, config: event.data.config, schedule: event.data.schedule, revision };
    case 'ConnectorActivated':
      return { ...state, status: 'active', consecutiveFailures: 0, revision };
    case 'ConnectorDeactivated':
      return { ...state, status: 'inactive', revision };
    case 'ConnectorSynced': {
      const { outcome, syncedAt, consecutiveFailures } = event.data;
      if (outcome === 'failure') return { ...state, consecutiveFailures, revision };
      // A late report must not move freshness backwards.
      const lastSyncedAt =
        state.lastSyncedAt !== null && Date.parse(state.lastSyncedAt) >= Date.parse(syncedAt) ? state.lastSyncedAt : syncedAt;
      return { ...state, status: 'active', lastSyncedAt, consecutiveFailures, revision };
    }
    case 'ConnectorFailed':
      return { ...state, status: 'error', revision };
    case 'ConnectorDeleted':
      return { status: 'deleted', connectorId: state.connectorId, companyId: state.companyId, revision };
    default:
      return assertNever(event);
  }
}

export function evolveConnector(state: ConnectorState, event: ConnectorEvent): ConnectorState {
  switch (state.status) {
    case 'absent': {
      if (event.type !== 'ConnectorRegistered') return state;
      const { connectorId, companyId, provider, connectorType, config, schedule } = event.data;
      return {
        status: 'inactive',
        connectorId,
        companyId,
        provider,
        connectorType,
        config,
        schedule,
        lastSyncedAt: null,
        consecutiveFailures: 0,
        revision: 1n,
      };
    }
    case 'deleted':
      // Deletion is final; nothing after it can change the state.
      return state;
    case 'inactive':
    case 'active':
    case 'error':
      return evolveLive(state, event);
    default:
      return assertNever(state);
  }
}
