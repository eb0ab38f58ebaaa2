// Shared builders for the connector decider specs. Not part of the public API.
import type { Actor } from '../../src/shared/decider';
import { DeciderSpec } from '../shared/decider-spec';
import type { ConnectorCommand } from '../../src/connector/commands';
import type { ConnectorConfig } from '../../src/connector/config-schemas';
import { CONNECTOR_RUNTIME_SERVICE } from '../../src/connector/authorization';
import { connectorDecider } from '../../src/connector/decider';
import type { ConnectorEvent } from '../../src/connector/events';
import type { ConnectorType, Provider } from '../../src/connector/provider-catalogue';
import type { ConnectorSchedule } from '../../src/connector/schedule';

export const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const COMPANY_ID = uuid(1);
export const OTHER_COMPANY_ID = uuid(2);
export const ADMIN_ID = uuid(10);
export const MEMBER_ID = uuid(11);
export const CONNECTOR_ID = uuid(30);
export const NOW = '2025-03-04T05:06:07.000Z';
export const LATER = '2025-03-04T06:00:00.000Z';

export const asUser = (userId: string, companyId: string = COMPANY_ID): Actor => ({ kind: 'user', userId, companyId });
export const admin = asUser(ADMIN_ID);
export const outsider = asUser(uuid(12), OTHER_COMPANY_ID);
export const runtime: Actor = { kind: 'service', service: CONNECTOR_RUNTIME_SERVICE };
export const operator: Actor = { kind: 'service', service: 'vibot-cli' };

export const MYSQL_CONFIG: ConnectorConfig = { host: 'db.acme.test', port: 3306, database: 'crm', user: 'reader' };
export const DAILY: ConnectorSchedule = { cron: '0 9 * * MON-FRI', timezone: 'Asia/Shanghai', enabled: true };

type CommandOf<T extends ConnectorCommand['type']> = Extract<ConnectorCommand, { type: T }>;

export function cmd<T extends ConnectorCommand['type']>(type: T, data: CommandOf<T>['data'], actor: Actor = admin): CommandOf<T> {
  return { type, data, metadata: { actor, now: NOW } } as CommandOf<T>;
}

export const connectorRegistered = (
  overrides: Partial<{ provider: Provider; connectorType: ConnectorType; config: ConnectorConfig; schedule: ConnectorSchedule; companyId: string }> = {},
): ConnectorEvent => ({
  type: 'ConnectorRegistered',
  data: {
    connectorId: CONNECTOR_ID,
    companyId: overrides.companyId ?? COMPANY_ID,
    provider: overrides.provider ?? 'mysql',
    connectorType: overrides.connectorType ?? 'database',
    config: overrides.config ?? MYSQL_CONFIG,
    schedule: overrides.schedule ?? {},
    createdBy: ADMIN_ID,
    registeredAt: NOW,
  },
});

export const connectorActivated = (): ConnectorEvent => ({
  type: 'ConnectorActivated',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, by: ADMIN_ID, at: NOW },
});

export const connectorDeactivated = (): ConnectorEvent => ({
  type: 'ConnectorDeactivated',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, by: ADMIN_ID, at: NOW },
});

export const connectorSynced = (
  outcome: 'success' | 'failure',
  consecutiveFailures: number,
  syncedAt: string = LATER,
  detail: string | null = null,
): ConnectorEvent => ({
  type: 'ConnectorSynced',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, syncedAt, outcome, detail, consecutiveFailures },
});

export const connectorFailed = (consecutiveFailures = 3, failedAt: string = LATER): ConnectorEvent => ({
  type: 'ConnectorFailed',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, failedAt, consecutiveFailures },
});

export const connectorDeleted = (): ConnectorEvent => ({
  type: 'ConnectorDeleted',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, deletedBy: ADMIN_ID, deletedAt: NOW },
});

/** A registered (inactive) mysql connector. */
export const registered: readonly ConnectorEvent[] = [connectorRegistered()];
export const active: readonly ConnectorEvent[] = [...registered, connectorActivated()];
/** Active, then three failed syncs: status `error`. */
export const errored: readonly ConnectorEvent[] = [
  ...active,
  connectorSynced('failure', 1),
  connectorSynced('failure', 2),
  connectorSynced('failure', 3),
  connectorFailed(3),
];
export const deleted: readonly ConnectorEvent[] = [...registered, connectorDeleted()];

export const spec = DeciderSpec.for(connectorDecider);
