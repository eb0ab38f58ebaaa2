import {
  type Command,
  type CompanyCommand,
  companyDecider,
  type CompanyEvent,
  type CompanyState,
  type ConnectorCommand,
  connectorDecider,
  type ConnectorEvent,
  type ConnectorState,
  type CredentialCommand,
  credentialDecider,
  type CredentialEvent,
  type CredentialState,
  type Decider,
  type Event,
  type OperationCommand,
  type OperationEvent,
  operationsDecider,
  type OperationsState,
  PersistentMap,
} from '#domain';

/**
 * Where in its stream things happened, kept beside the folded state: facts about the stream
 * (revisions), not the domain's, so they stay out of decide() and evolve().
 */
export type StreamIndex<I> = Readonly<{ initial: () => I; add: (index: I, event: Event, revision: bigint) => I }>;

/** A decider under a name: what the command pipeline loads, caches and snapshots. */
export type Aggregate<State, C extends Command, E extends Event, I = undefined> = Readonly<{
  name: string;
  decider: Decider<State, C, E>;
  index?: StreamIndex<I>;
}>;

export const companies: Aggregate<CompanyState, CompanyCommand, CompanyEvent> = { name: 'company', decider: companyDecider };
export const connectors: Aggregate<ConnectorState, ConnectorCommand, ConnectorEvent> = { name: 'integrationConnector', decider: connectorDecider };
/** For credentials, the revision of each version's rotation: the runtime reads its ciphertext there. */
export const credentials: Aggregate<CredentialState, CredentialCommand, CredentialEvent, PersistentMap<number, bigint>> = {
  name: 'connectorCredential',
  decider: credentialDecider,
  index: {
    initial: () => PersistentMap.empty(),
    add: (index, event, revision) =>
      event.type === 'CredentialRotated' ? index.set((event.data as { version: number }).version, revision) : index,
  },
};

/** Operator actions on the record (keyOperations-<company>, projectorOperations-<projection>). */
export const operations: Aggregate<OperationsState, OperationCommand, OperationEvent> = { name: 'operations', decider: operationsDecider };
