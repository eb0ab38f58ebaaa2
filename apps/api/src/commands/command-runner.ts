import { Injectable } from '@nestjs/common';
import {
  type CompanyCommand,
  companyDecider,
  type CompanyEvent,
  type CompanyState,
  companyStreamName,
  fold,
} from '../../../../libs/domain/src';
import { type CommandResult, handleCommand } from '../../../../libs/infra/src/commands/handle-command';
import type { RecordedEvent } from '../../../../libs/infra/src/event-log/event-log';
import { formatPosition } from '../../../../libs/infra/src/event-log/position';
import { upcast } from '../../../../libs/infra/src/event-log/upcasters';
import { ApiRuntime } from '../api-runtime';
import { type ApiRequest, requireUser } from '../http/request-user';
import { commandIdOf, correlationIdOf } from './command-identity';

type CommandOf<T extends CompanyCommand['type']> = Extract<CompanyCommand, { type: T }>;

export type Executed = Readonly<{
  result: CommandResult<CompanyState, CompanyEvent>;
  /** The state the command was decided on (after any retry), for answers about removed entities. */
  before: CompanyState;
}>;

/** What every command answers: enough to address the entity, guard the next edit, and read your write. */
export type CommandAnswer = Readonly<{
  id: string;
  revision: string;
  stream: string;
  streamRevision: string;
  position: string | null;
}>;

export function commandAnswer(id: string, revision: bigint, result: Executed['result']): CommandAnswer {
  return {
    id,
    revision: revision.toString(),
    stream: result.stream,
    streamRevision: result.streamRevision.toString(),
    position: result.position === undefined ? null : formatPosition(result.position),
  };
}

/** Runs a company command as the calling user, on the caller's own company stream. */
@Injectable()
export class CommandRunner {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute<T extends CompanyCommand['type']>(request: ApiRequest, type: T, data: CommandOf<T>['data']): Promise<Executed> {
    const { actor } = requireUser(request);
    const now = new Date().toISOString();
    const commandId = commandIdOf(request);
    const stream = companyStreamName(actor.companyId);
    if (request.recoveringCommand) {
      const recovered = await this.recover(stream, commandId);
      if (recovered) return recovered;
    }
    const command = { type, data, metadata: { actor, now } } as CommandOf<T>;
    let before: CompanyState = companyDecider.initialState();
    const decider = {
      ...companyDecider,
      decide: (c: CompanyCommand, state: CompanyState) => {
        before = state;
        return companyDecider.decide(c, state);
      },
    };
    const result = await handleCommand(this.runtime.eventLog, decider, stream, command, {
      commandId,
      correlationId: correlationIdOf(request),
      actor,
      now,
      tenant: { companyId: actor.companyId },
    });
    return { result, before };
  }

  /**
   * A retry of an attempt that died between append and answer: deciding again would fail (the
   * role now exists), so the answer is rebuilt from the events that attempt left in the log.
   */
  private async recover(stream: string, commandId: string): Promise<Executed | undefined> {
    const recorded = await this.runtime.eventLog.readStream(stream);
    const first = recorded.findIndex((event) => event.metadata.commandId === commandId);
    if (first < 0) return undefined;
    let last = first;
    while (recorded[last + 1]?.metadata.commandId === commandId) last += 1;
    const toEvent = (event: RecordedEvent): CompanyEvent => upcast(event) as CompanyEvent;
    const before = fold(companyDecider, recorded.slice(0, first).map(toEvent));
    const events = recorded.slice(first, last + 1).map(toEvent);
    const tail = recorded[last]!;
    return {
      before,
      result: { events, state: fold(companyDecider, events, before), stream, streamRevision: tail.revision, position: tail.position },
    };
  }
}
