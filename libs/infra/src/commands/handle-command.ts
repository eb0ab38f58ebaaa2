import type { Command, Decider, Event } from '../../../domain/src/shared/decider';
import { WrongExpectedVersion, type EventLog, type ExpectedRevision } from '../event-log/event-log';
import { toEnvelopes, type CommandContext } from '../event-log/envelope';
import type { Position } from '../event-log/position';
import { loadState } from './load-state';

export type CommandResult<State, E> = Readonly<{
  events: readonly E[];
  state: State;
  stream: string;
  /** The stream's revision after the command (-1n: the stream still has no events). */
  streamRevision: bigint;
  /** Where the events landed; undefined when the command changed nothing. */
  position: Position | undefined;
}>;

const MAX_ATTEMPTS = 5;

/**
 * load → decide → append. A concurrent writer on the same stream makes the append fail with
 * WrongExpectedVersion; the command is then decided again on the fresh state, so every rule
 * is checked against what really happened (a stale If-Match still fails in decide()).
 */
export async function handleCommand<State, C extends Command, E extends Event>(
  log: EventLog,
  decider: Decider<State, C, E>,
  stream: string,
  command: C,
  context: CommandContext,
): Promise<CommandResult<State, E>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadState(log, decider, stream);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, stream, streamRevision: revision, position: undefined };
    const expected: ExpectedRevision = revision === -1n ? 'no_stream' : revision;
    try {
      const result = await log.append(stream, toEnvelopes(events, context), { expected });
      const next = events.reduce(decider.evolve, state);
      return { events, state: next, stream, streamRevision: result.nextRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
