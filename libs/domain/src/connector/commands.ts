import type { Command } from '../shared/decider';

// Inputs are unvalidated: provider, type, config and schedule arrive as the
// client sent them, and the decider owns every rule about them.
//
// `actorIsAdmin` is a fact the caller derives from the event-sourced company
// state (holdsRole(company, userId, ADMIN_ROLE_CODE)): this stream cannot see
// role grants, and reading a projection here would let a lagging read model
// grant stale privileges. The actor's company comes from metadata.actor.

export type RegisterConnector = Command<
  'RegisterConnector',
  {
    connectorId: string;
    companyId: string;
    provider: string;
    connectorType: string;
    config: unknown;
    schedule: unknown;
    actorIsAdmin: boolean;
  }
>;

// Omitted fields keep their value.
export type UpdateConnector = Command<
  'UpdateConnector',
  { connectorId: string; config?: unknown; schedule?: unknown; expectedRevision?: bigint; actorIsAdmin: boolean }
>;

// hasCurrentCredential comes from the credential stream (credential/state.ts),
// which this decider cannot read.
export type ActivateConnector = Command<
  'ActivateConnector',
  { connectorId: string; hasCurrentCredential: boolean; actorIsAdmin: boolean }
>;

export type DeactivateConnector = Command<'DeactivateConnector', { connectorId: string; actorIsAdmin: boolean }>;

export type DeleteConnector = Command<'DeleteConnector', { connectorId: string; expectedRevision?: bigint; actorIsAdmin: boolean }>;

// Sent by the connector runtime (a service actor), which is authorised by its
// identity, so no admin fact is needed. syncedAt is when the run finished.
export type RecordSync = Command<
  'RecordSync',
  { connectorId: string; syncedAt: string; outcome: 'success' | 'failure'; detail?: string }
>;

export type ConnectorCommand =
  | RegisterConnector
  | UpdateConnector
  | ActivateConnector
  | DeactivateConnector
  | DeleteConnector
  | RecordSync;

export type ConnectorCommandType = ConnectorCommand['type'];
