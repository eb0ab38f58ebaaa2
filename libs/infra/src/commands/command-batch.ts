import type { Command, Event } from '#domain';
import { type CommandContext, toEnvelopes } from '../event-log/envelope';
import { type AppendResult, DuplicateEventIds, type EventLog } from '../event-log/event-log';
import type { Aggregate } from './aggregates';
import type { CommandOutcome } from './command-pipeline';
import type { CachedStream } from './state-cache';

/** One command of a lane batch as decided: its events, or why it was refused. */
export type Decided = Readonly<{ context: CommandContext; before: unknown; events?: readonly Event[]; error?: unknown }>;

export type BatchResult = Readonly<{
  /** The stream's state after the append, to remember; undefined when nothing was appended. */
  entry: CachedStream<unknown> | undefined;
  results: readonly Readonly<{ outcome?: CommandOutcome<unknown, Event>; error?: unknown }>[];
}>;

/** The log refused event ids it already holds: some command of the batch was appended before. */
export class DuplicateInBatch extends Error {
  constructor(override readonly cause: DuplicateEventIds) {
    super(cause.message);
    this.name = 'DuplicateInBatch';
  }
}

/**
 * Appends the events of every accepted command of a batch in one append, at the exact revision
 * the first was decided on: one transaction, one commit, each command's events contiguous and
 * under its own command id. Each command's outcome says its own stream revision; they share the
 * append's position. The stream index (aggregates.ts) follows the same revisions.
 */
export async function appendBatch(
  log: EventLog,
  aggregate: Aggregate<unknown, Command, Event, unknown>,
  stream: string,
  loaded: CachedStream<unknown>,
  decided: readonly Decided[],
): Promise<BatchResult> {
  const envelopes = decided.flatMap((d) => (d.events && d.events.length > 0 ? toEnvelopes(d.events, d.context) : []));
  let appended: AppendResult | undefined;
  if (envelopes.length > 0) {
    try {
      appended = await log.append(stream, envelopes, { expected: loaded.revision === -1n ? 'no_stream' : loaded.revision });
    } catch (error) {
      throw error instanceof DuplicateEventIds ? new DuplicateInBatch(error) : error;
    }
  }
  let revision = loaded.revision;
  let { state, index } = loaded;
  const track = aggregate.index;
  const results = decided.map((d) => {
    if (d.error !== undefined) return { error: d.error };
    const events = d.events ?? [];
    for (const event of events) {
      revision += 1n;
      state = aggregate.decider.evolve(state, event);
      if (track) index = track.add(index, event, revision);
    }
    const position = events.length > 0 ? appended?.position : undefined;
    return { outcome: { events, before: d.before, state, stream, streamRevision: revision, position, recovered: false } };
  });
  const entry = appended ? { ...loaded, state, index, revision: appended.nextRevision, lastHash: appended.lastHash } : undefined;
  return { entry, results };
}
