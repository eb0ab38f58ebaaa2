import type { Event } from '../shared/decider';
import type { ConnectorConfig } from './config-schemas';
import type { ConnectorType, Provider } from './provider-catalogue';
import type { ConnectorSchedule } from './schedule';

// Every event repeats connectorId and companyId so projections and the audit
// log can route it without reading the stream's first event.

export type ConnectorRegistered = Event<
  'ConnectorRegistered',
  {
    connectorId: string;
    companyId: string;
    provider: Provider;
    connectorType: ConnectorType;
    config: ConnectorConfig;
    schedule: ConnectorSchedule;
    createdBy: string;
    registeredAt: string;
  }
>;

// Full new values rather than a diff, so projections can upsert blindly.
export type ConnectorUpdated = Event<
  'ConnectorUpdated',
  {
    connectorId: string;
    companyId: string;
    config: ConnectorConfig;
    schedule: ConnectorSchedule;
    updatedBy: string;
    updatedAt: string;
  }
>;

export type ConnectorActivated = Event<'ConnectorActivated', { connectorId: string; companyId: string; by: string; at: string }>;

export type ConnectorDeactivated = Event<'ConnectorDeactivated', { connectorId: string; companyId: string; by: string; at: string }>;

// Recorded for every run, failures included, so the history explains a later
// `error` status. consecutiveFailures is the count after this run (0 on success).
export type ConnectorSynced = Event<
  'ConnectorSynced',
  {
    connectorId: string;
    companyId: string;
    syncedAt: string;
    outcome: 'success' | 'failure';
    detail: string | null;
    consecutiveFailures: number;
  }
>;

// Emitted together with the ConnectorSynced that reached the threshold: a
// distinct fact for alerting, which should fire once, not on every failure.
export type ConnectorFailed = Event<
  'ConnectorFailed',
  { connectorId: string; companyId: string; failedAt: string; consecutiveFailures: number }
>;

export type ConnectorDeleted = Event<
  'ConnectorDeleted',
  { connectorId: string; companyId: string; deletedBy: string; deletedAt: string }
>;

export type ConnectorEvent =
  | ConnectorRegistered
  | ConnectorUpdated
  | ConnectorActivated
  | ConnectorDeactivated
  | ConnectorSynced
  | ConnectorFailed
  | ConnectorDeleted;

export type ConnectorEventType = ConnectorEvent['type'];

export const CONNECTOR_EVENT_TYPES: readonly ConnectorEventType[] = [
  'ConnectorRegistered',
  'ConnectorUpdated',
  'ConnectorActivated',
  'ConnectorDeactivated',
  'ConnectorSynced',
  'ConnectorFailed',
  'ConnectorDeleted',
];

export function isConnectorEventType(type: string): type is ConnectorEventType {
  return (CONNECTOR_EVENT_TYPES as readonly string[]).includes(type);
}
