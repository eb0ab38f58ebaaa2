import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ADMIN_ROLE_CODE,
  companyStreamName,
  type ConnectorCommand,
  type ConnectorEvent,
  type ConnectorState,
  connectorStreamName,
  credentialStreamName,
  hasCurrentCredential,
  holdsRole,
  NotFound,
} from '#domain';
import { companies, connectors, credentials } from '#infra/commands/aggregates';
import type { CommandOutcome, CommandPipeline } from '#infra/commands/command-pipeline';
import { ApiRuntime } from '../api-runtime';
import type { ServiceActor } from '../auth/service-caller';
import type { Caller } from '../commands/caller';
import { type CommandAnswer, commandAnswer } from '../commands/command-answer';

type CommandOf<T extends ConnectorCommand['type']> = Extract<ConnectorCommand, { type: T }>;
/** Data without the facts this service derives from event-sourced state. */
type Input<T extends ConnectorCommand['type']> = Omit<CommandOf<T>['data'], 'actorIsAdmin' | 'hasCurrentCredential'>;
type Outcome = CommandOutcome<ConnectorState, ConnectorEvent>;

const revisionOf = (state: ConnectorState): bigint | undefined => (state.status === 'absent' ? undefined : state.revision);
const answer = (id: string, outcome: Outcome, fallback = 0n): CommandAnswer =>
  commandAnswer(id, revisionOf(outcome.state) ?? revisionOf(outcome.before) ?? fallback, outcome);

/**
 * A connector command by a user. The facts its decider cannot see (is the caller an admin, is
 * there a current credential) come from event-sourced state, never from a read model that lags.
 */
function runAsUser<T extends Exclude<ConnectorCommand['type'], 'RecordSync'>>(
  pipeline: CommandPipeline,
  caller: Caller,
  type: T,
  data: Input<T>,
): Promise<Outcome> {
  const { actor, context } = caller;
  return pipeline.execute(connectors, connectorStreamName(data.connectorId), {
    context,
    ...(caller.recoverSince !== undefined ? { recoverSince: caller.recoverSince } : {}),
    command: async () => {
      // Read afresh: no expected revision guards a fact from another stream.
      const company = (await pipeline.load(companies, companyStreamName(actor.companyId))).state;
      const facts: Record<string, boolean> = { actorIsAdmin: holdsRole(company, actor.userId, ADMIN_ROLE_CODE) };
      if (type === 'ActivateConnector') {
        facts.hasCurrentCredential = hasCurrentCredential((await pipeline.load(credentials, credentialStreamName(data.connectorId))).state);
      }
      return { type, data: { ...data, ...facts }, metadata: { actor, now: context.now } } as unknown as ConnectorCommand;
    },
  });
}

export class RegisterConnectorCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly connectorId: string,
    readonly connector: Readonly<{ provider: string; connectorType: string; config: unknown; schedule: unknown }>,
  ) {
    super();
  }
}

export class UpdateConnectorCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly connectorId: string,
    readonly changes: Readonly<{ config?: unknown; schedule?: unknown }>,
    readonly expectedRevision: bigint,
  ) {
    super();
  }
}

/** Activate, deactivate or delete: commands that carry nothing but the connector. */
export class ConnectorLifecycleCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly connectorId: string,
    readonly type: 'ActivateConnector' | 'DeactivateConnector' | 'DeleteConnector',
    /** If-Match, where the route takes it (DELETE). */
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}

/** A finished run, reported by the connector runtime (a service, for one company). */
export class RecordSyncCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller<ServiceActor>,
    readonly connectorId: string,
    readonly sync: Readonly<{ syncedAt: string; outcome: 'success' | 'failure'; detail?: string }>,
  ) {
    super();
  }
}

@CommandHandler(RegisterConnectorCommand)
export class RegisterConnectorHandler implements ICommandHandler<RegisterConnectorCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, connector }: RegisterConnectorCommand): Promise<CommandAnswer> {
    const data = { connectorId, companyId: caller.actor.companyId, ...connector };
    return answer(connectorId, await runAsUser(this.runtime.pipeline, caller, 'RegisterConnector', data), 1n);
  }
}

@CommandHandler(UpdateConnectorCommand)
export class UpdateConnectorHandler implements ICommandHandler<UpdateConnectorCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, changes, expectedRevision }: UpdateConnectorCommand): Promise<CommandAnswer> {
    const outcome = await runAsUser(this.runtime.pipeline, caller, 'UpdateConnector', { connectorId, ...changes, expectedRevision });
    return answer(connectorId, outcome, expectedRevision);
  }
}

@CommandHandler(ConnectorLifecycleCommand)
export class ConnectorLifecycleHandler implements ICommandHandler<ConnectorLifecycleCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, type, expectedRevision }: ConnectorLifecycleCommand): Promise<CommandAnswer> {
    const data = { connectorId, ...(expectedRevision !== undefined ? { expectedRevision } : {}) };
    return answer(connectorId, await runAsUser(this.runtime.pipeline, caller, type, data));
  }
}

/** Only for a connector of the company the runtime's token is for; others do not exist. */
@CommandHandler(RecordSyncCommand)
export class RecordSyncHandler implements ICommandHandler<RecordSyncCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, sync }: RecordSyncCommand): Promise<CommandAnswer> {
    const { actor, context } = caller;
    const outcome = await this.runtime.pipeline.execute(connectors, connectorStreamName(connectorId), {
      context,
      command: (state) => {
        if (state.status === 'absent' || state.status === 'deleted' || state.companyId !== actor.companyId) {
          throw new NotFound('connector_not_found', 'Connector not found', { connectorId });
        }
        return { type: 'RecordSync' as const, data: { connectorId, ...sync }, metadata: { actor: { kind: 'service' as const, service: actor.service }, now: context.now } };
      },
    });
    return answer(connectorId, outcome);
  }
}

export const CONNECTOR_HANDLERS = [RegisterConnectorHandler, UpdateConnectorHandler, ConnectorLifecycleHandler, RecordSyncHandler];
