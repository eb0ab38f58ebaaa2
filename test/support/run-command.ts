import type { Command, Event } from '#domain';
import type { Aggregate } from '#infra/commands/aggregates';
import { type CommandOutcome, CommandPipeline } from '#infra/commands/command-pipeline';
import type { CommandContext } from '#infra/event-log/envelope';
import type { EventLog } from '#infra/event-log/event-log';

/** One command through the service's own pipeline, on a log of the test's choosing (set-up, operators). */
export function runCommand<State, C extends Command, E extends Event, I>(
  log: EventLog,
  aggregate: Aggregate<State, C, E, I>,
  stream: string,
  command: C,
  context: CommandContext,
): Promise<CommandOutcome<State, E>> {
  return new CommandPipeline({ log }).run(aggregate, stream, command, context);
}
