import { assertNever, type Decider } from '../shared/decider';
import type { ConnectorCommand } from './commands';
import { registerConnector, updateConnector } from './decide-definition';
import { activateConnector, deactivateConnector, deleteConnector, recordSync } from './decide-lifecycle';
import type { ConnectorEvent } from './events';
import { type ConnectorState, evolveConnector, initialConnectorState } from './state';

// One stream per connector: its rules (status, revision, failure count) never
// span connectors, and a small stream keeps sync reports from contending with
// unrelated edits. Secrets live in a separate stream (credential/) so that
// reading a connector's history never loads ciphertext.
export const connectorStreamName = (connectorId: string): string => `integrationConnector-${connectorId}`;

export function decideConnector(command: ConnectorCommand, state: ConnectorState): readonly ConnectorEvent[] {
  switch (command.type) {
    case 'RegisterConnector':
      return registerConnector(command, state);
    case 'UpdateConnector':
      return updateConnector(command, state);
    case 'ActivateConnector':
      return activateConnector(command, state);
    case 'DeactivateConnector':
      return deactivateConnector(command, state);
    case 'DeleteConnector':
      return deleteConnector(command, state);
    case 'RecordSync':
      return recordSync(command, state);
    default:
      return assertNever(command);
  }
}

export const connectorDecider: Decider<ConnectorState, ConnectorCommand, ConnectorEvent> = {
  initialState: initialConnectorState,
  evolve: evolveConnector,
  decide: decideConnector,
};
