// RegisterConnector and UpdateConnector: what a connector is and when it runs.
import { requireId } from '../company/input-rules';
import { Conflict, Forbidden } from '../shared/domain-errors';
import { authorizeManagement, requireAdmin, requireUserActor } from './authorization';
import type { RegisterConnector, UpdateConnector } from './commands';
import { validateConfig } from './config-schemas';
import type { ConnectorRegistered, ConnectorUpdated } from './events';
import { requireProvider, requireSupportedType } from './provider-catalogue';
import { validateSchedule } from './schedule';
import { assertNoSecrets } from './secret-keys';
import type { ConnectorState, LiveConnector } from './state';
import { nextStatus } from './status-machine';

export function registerConnector(command: RegisterConnector, state: ConnectorState): readonly ConnectorRegistered[] {
  const { data } = command;
  const user = requireUserActor(command.metadata.actor);
  // Connectors are created only inside the actor's own company; the admin fact
  // the caller passes was computed for that company and means nothing elsewhere.
  if (data.companyId !== user.companyId) {
    throw new Forbidden('other_company', 'Connectors can only be registered in your own company');
  }
  requireAdmin(data.actorIsAdmin);
  const connectorId = requireId(data.connectorId, 'connectorId');
  const companyId = requireId(data.companyId, 'companyId');
  // Ids are never reused, deleted connectors included, so history stays unambiguous.
  if (state.status !== 'absent') {
    throw new Conflict('connector_exists', 'A connector with this id already exists', { connectorId });
  }
  // Before any schema check, so a secret is reported as such whatever else is wrong.
  assertNoSecrets(data.config);
  const provider = requireProvider(data.provider);
  const connectorType = requireSupportedType(provider, data.connectorType);
  const config = validateConfig(provider, data.config);
  const schedule = validateSchedule(data.schedule, connectorType);
  return [
    {
      type: 'ConnectorRegistered',
      data: {
        connectorId,
        companyId,
        provider,
        connectorType,
        config,
        schedule,
        createdBy: user.userId,
        registeredAt: command.metadata.now,
      },
    },
  ];
}

/** If-Match for connectors: a stale revision is a conflict that tells the current one. */
export function assertExpectedRevision(connector: LiveConnector, expected: bigint | undefined): void {
  if (expected !== undefined && expected !== connector.revision) {
    throw new Conflict(
      'stale_revision',
      'The connector was changed by someone else; reload and retry',
      { connectorId: connector.connectorId },
      connector.revision,
    );
  }
}

// Validated values are built in a fixed key order, so JSON text equality is
// value equality here.
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function updateConnector(command: UpdateConnector, state: ConnectorState): readonly ConnectorUpdated[] {
  const { data } = command;
  const { user, connector } = authorizeManagement(command.metadata.actor, data.actorIsAdmin, state);
  assertExpectedRevision(connector, data.expectedRevision);
  nextStatus(connector.status, 'update');
  if (data.config !== undefined) assertNoSecrets(data.config);
  const config = data.config === undefined ? connector.config : validateConfig(connector.provider, data.config);
  const schedule = data.schedule === undefined ? connector.schedule : validateSchedule(data.schedule, connector.connectorType);
  // A no-op emits nothing, so revisions only move when something changed.
  if (sameJson(config, connector.config) && sameJson(schedule, connector.schedule)) return [];
  return [
    {
      type: 'ConnectorUpdated',
      data: {
        connectorId: connector.connectorId,
        companyId: connector.companyId,
        config,
        schedule,
        updatedBy: user.userId,
        updatedAt: command.metadata.now,
      },
    },
  ];
}
