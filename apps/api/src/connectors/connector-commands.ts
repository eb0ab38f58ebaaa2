import { Injectable } from '@nestjs/common';
import {
  ADMIN_ROLE_CODE,
  companyDecider,
  companyStreamName,
  type ConnectorCommand,
  connectorDecider,
  type ConnectorEvent,
  type ConnectorState,
  connectorStreamName,
  credentialDecider,
  credentialStreamName,
  hasCurrentCredential,
  holdsRole,
  NotFound,
} from '../../../../libs/domain/src';
import { type CommandResult, handleCommand } from '../../../../libs/infra/src/commands/handle-command';
import { loadState } from '../../../../libs/infra/src/commands/load-state';
import { type CommandContext, newCommandContext } from '../../../../libs/infra/src/event-log/envelope';
import { formatPosition } from '../../../../libs/infra/src/event-log/position';
import { upcast } from '../../../../libs/infra/src/event-log/upcasters';
import { ApiRuntime } from '../api-runtime';
import type { RequestService } from '../auth/service-caller';
import { commandIdOf, correlationIdOf } from '../commands/command-identity';
import type { CommandAnswer } from '../commands/command-runner';
import { type ApiRequest, requireUser, type UserActor } from '../http/request-user';

type CommandOf<T extends ConnectorCommand['type']> = Extract<ConnectorCommand, { type: T }>;
/** Data without the facts this service derives from event-sourced state. */
type Input<T extends ConnectorCommand['type']> = Omit<CommandOf<T>['data'], 'actorIsAdmin' | 'hasCurrentCredential'>;

export type ConnectorResult = CommandResult<ConnectorState, ConnectorEvent>;

export const revisionOf = (state: ConnectorState): bigint | undefined => (state.status === 'absent' ? undefined : state.revision);

export function connectorAnswer(id: string, revision: bigint, result: Pick<ConnectorResult, 'stream' | 'streamRevision' | 'position'>): CommandAnswer {
  return {
    id,
    revision: revision.toString(),
    stream: result.stream,
    streamRevision: result.streamRevision.toString(),
    position: result.position === undefined ? null : formatPosition(result.position),
  };
}

export const userContext = (request: ApiRequest, actor: UserActor): CommandContext => ({
  commandId: commandIdOf(request),
  correlationId: correlationIdOf(request),
  actor,
  now: new Date().toISOString(),
  tenant: { companyId: actor.companyId },
});

export const serviceContext = (service: RequestService): CommandContext =>
  newCommandContext({ kind: 'service', service: service.actor.service }, { companyId: service.actor.companyId });

/**
 * Connector commands on their own stream. The facts the decider cannot see (is the caller an
 * admin, is there a current credential) are read from event-sourced state here, never from a
 * read model that may lag.
 */
@Injectable()
export class ConnectorCommands {
  constructor(private readonly runtime: ApiRuntime) {}

  async actorIsAdmin(actor: UserActor): Promise<boolean> {
    const company = (await loadState(this.runtime.eventLog, companyDecider, companyStreamName(actor.companyId))).state;
    return holdsRole(company, actor.userId, ADMIN_ROLE_CODE);
  }

  async state(connectorId: string): Promise<ConnectorState> {
    return (await loadState(this.runtime.eventLog, connectorDecider, connectorStreamName(connectorId))).state;
  }

  async execute<T extends ConnectorCommand['type']>(
    request: ApiRequest,
    type: T,
    data: Input<T>,
  ): Promise<{ result: ConnectorResult; before: ConnectorState }> {
    const { actor } = requireUser(request);
    const context = userContext(request, actor);
    const stream = connectorStreamName((data as { connectorId: string }).connectorId);
    if (request.recoveringCommand) {
      const recovered = await this.recover(stream, context.commandId);
      if (recovered) return recovered;
    }
    const facts: Record<string, boolean> = { actorIsAdmin: await this.actorIsAdmin(actor) };
    if (type === 'ActivateConnector') {
      const connectorId = (data as { connectorId: string }).connectorId;
      const credential = await loadState(this.runtime.eventLog, credentialDecider, credentialStreamName(connectorId));
      facts.hasCurrentCredential = hasCurrentCredential(credential.state);
    }
    return this.decide(stream, { type, data: { ...data, ...facts }, metadata: { actor, now: context.now } } as unknown as ConnectorCommand, context);
  }

  /** RecordSync from the runtime: only for a connector of the company its token is for. */
  async recordSync(service: RequestService, data: CommandOf<'RecordSync'>['data']): Promise<{ result: ConnectorResult; before: ConnectorState }> {
    const state = await this.state(data.connectorId);
    if (state.status === 'absent' || state.status === 'deleted' || state.companyId !== service.actor.companyId) {
      throw new NotFound('connector_not_found', 'Connector not found', { connectorId: data.connectorId });
    }
    const context = serviceContext(service);
    return this.decide(connectorStreamName(data.connectorId), { type: 'RecordSync', data, metadata: { actor: context.actor, now: context.now } }, context);
  }

  private async decide(stream: string, command: ConnectorCommand, context: CommandContext) {
    let before: ConnectorState = connectorDecider.initialState();
    const decider = {
      ...connectorDecider,
      decide: (c: ConnectorCommand, state: ConnectorState) => {
        before = state;
        return connectorDecider.decide(c, state);
      },
    };
    const result = await handleCommand(this.runtime.eventLog, decider, stream, command, context);
    return { result, before };
  }

  /** A retried Idempotency-Key whose first attempt died after appending: answer from its events. */
  private async recover(stream: string, commandId: string): Promise<{ result: ConnectorResult; before: ConnectorState } | undefined> {
    const recorded = await this.runtime.eventLog.readStream(stream);
    const last = recorded.map((event) => event.metadata.commandId).lastIndexOf(commandId);
    if (last < 0) return undefined;
    const first = recorded.findIndex((event) => event.metadata.commandId === commandId);
    const folded = await loadState(this.runtime.eventLog, connectorDecider, stream);
    const tail = recorded[last]!;
    const before = recorded
      .slice(0, first)
      .reduce((s, e) => connectorDecider.evolve(s, upcast(e) as ConnectorEvent), connectorDecider.initialState());
    return {
      before,
      result: { events: [], state: folded.state, stream, streamRevision: tail.revision, position: tail.position },
    };
  }
}
