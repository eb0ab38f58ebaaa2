import type { Pool } from 'pg';
import { Conflict, type Command, type Event, isDomainError } from '../../../domain/src';
import { type CommandContext, toEnvelopes } from '../event-log/envelope';
import { type AppendResult, DuplicateEventIds, type EventLog, WrongExpectedVersion } from '../event-log/event-log';
import type { Position } from '../event-log/position';
import { upcast } from '../event-log/upcasters';
import type { Aggregate } from './aggregates';
import { findCommandEvents } from './command-recovery';
import { SnapshotStore } from './snapshot-store';
import type { CachedStream } from './state-cache';
import { StreamStates } from './stream-states';
import { StreamLanes } from './stream-lanes';

/** What a command did: the events it appended and the states on either side of them. */
export type CommandOutcome<State, E> = Readonly<{
  events: readonly E[];
  /** The state the command was decided on. */
  before: State;
  state: State;
  stream: string;
  /** The stream's revision after the command (-1n: the stream still has no events). */
  streamRevision: bigint;
  /** Where the events landed; undefined when the command changed nothing. */
  position: Position | undefined;
  /** True when the events were appended by an earlier attempt of the same command. */
  recovered: boolean;
}>;

export type CommandRun<State, C extends Command, Prepared> = Readonly<{
  context: CommandContext;
  /** The command, built anew on the state each attempt decides on. */
  command: (state: State, prepared: Prepared) => C | Promise<C>;
  /** Work done once, before the first decision (sealing a secret); `discard` undoes it if unused. */
  prepare?: () => Promise<Prepared>;
  discard?: (prepared: Prepared) => Promise<void>;
  /** An earlier attempt of this command id, started then, may have appended before it died. */
  recoverSince?: Date;
}>;

export type PipelineOptions = Readonly<{
  log: EventLog;
  snapshots?: SnapshotStore;
  /** Streams whose state each process keeps (least recently used go first). */
  cacheSize?: number;
  /** How long a command without a precondition keeps deciding again after losing a race. */
  retryMs?: number;
  /** Events folded beyond the last snapshot before the next one is written (at least). */
  snapshotEvery?: number;
  onSnapshotError?: (error: unknown, stream: string) => void;
}>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one way a command runs: load → decide → append, for every aggregate and every caller (the
 * API's handlers, the CLI, the expiry scheduler). A load costs the events appended since the
 * cached (or snapshotted) state, never the stream's whole history. The cache is only a shortcut:
 * each append expects the exact revision the decision saw, so a write by anyone else (another
 * process, the CLI) makes the append fail, and the command is decided again on the caught-up
 * state. Rules with a precondition (If-Match, an expected version) are checked by decide() on
 * that state and fail there, once, with the domain's own 409.
 */
export class CommandPipeline {
  readonly log: EventLog;
  private readonly states: StreamStates;
  private readonly lanes = new StreamLanes();
  private readonly retryMs: number;

  constructor(options: PipelineOptions) {
    this.log = options.log;
    this.states = new StreamStates(options);
    this.retryMs = options.retryMs ?? 5_000;
  }

  /** The stream's state as of its last event: the cached state plus what was appended since. */
  load<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string): Promise<CachedStream<State>> {
    return this.states.load(aggregate, stream);
  }

  /** Waits until no snapshot is being written (tests, shutdown). */
  idle(): Promise<void> {
    return this.states.idle();
  }

  /** A plain domain command, decided as it is (the CLI, schedulers, test set-up). */
  run<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    command: C,
    context: CommandContext,
  ): Promise<CommandOutcome<State, E>> {
    return this.execute(aggregate, stream, { context, command: () => command });
  }

  /** The event the stream index points at (e.g. a version's rotation), read by its revision. */
  async eventAt<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    pick: (index: I) => bigint | undefined,
  ): Promise<E | undefined> {
    const revision = pick((await this.load(aggregate, stream)).index as I);
    if (revision === undefined) return undefined;
    const [recorded] = await this.log.readStream(stream, { from: revision, limit: 1 });
    return recorded?.revision === revision ? (upcast(recorded) as E) : undefined;
  }

  /** Runs one command on one stream, in that stream's lane. */
  execute<State, C extends Command, E extends Event, I, Prepared = undefined>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    run: CommandRun<State, C, Prepared>,
  ): Promise<CommandOutcome<State, E>> {
    return this.lanes.run(stream, async () => {
      if (run.recoverSince !== undefined) {
        const recovered = await this.recover(aggregate, stream, run.context.commandId, run.recoverSince);
        if (recovered !== undefined) return recovered;
      }
      const prepared = (run.prepare ? await run.prepare() : undefined) as Prepared;
      let used = false;
      try {
        const outcome = await this.decideAndAppend(aggregate, stream, run, prepared);
        used = outcome.events.length > 0 && !outcome.recovered;
        return outcome;
      } finally {
        if (!used && run.prepare && run.discard) await run.discard(prepared);
      }
    });
  }

  private async decideAndAppend<State, C extends Command, E extends Event, I, Prepared>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    run: CommandRun<State, C, Prepared>,
    prepared: Prepared,
  ): Promise<CommandOutcome<State, E>> {
    const deadline = Date.now() + this.retryMs;
    // Optimistic: decide on the cached state without reading. Only an append at its exact
    // revision can succeed, so a stale cache costs a conflict and a catch-up, never a wrong
    // decision. A refusal or a no-op decided on a cached state is checked again on a fresh one.
    let loaded = this.states.cached(aggregate, stream);
    let fresh = loaded === undefined;
    loaded ??= await this.load(aggregate, stream);
    for (let conflicts = 0; ; ) {
      const before = loaded.state;
      let events: readonly E[];
      try {
        events = aggregate.decider.decide(await run.command(before, prepared), before);
      } catch (error) {
        if (fresh || !isDomainError(error)) throw error;
        [loaded, fresh] = [await this.load(aggregate, stream), true];
        continue;
      }
      const unchanged = { events, before, state: before, stream, streamRevision: loaded.revision, position: undefined, recovered: false };
      if (events.length === 0) {
        if (fresh) return unchanged;
        [loaded, fresh] = [await this.load(aggregate, stream), true];
        continue;
      }
      try {
        return this.appended(aggregate, stream, loaded, events, await this.append(stream, loaded.revision, events, run.context), unchanged);
      } catch (error) {
        if (error instanceof DuplicateEventIds) {
          // These very event ids are in the stream already: an attempt of this command whose
          // answer was lost (an unknown outcome, a crash) appended them.
          const recovered = await this.recover(aggregate, stream, run.context.commandId);
          if (recovered !== undefined) return recovered;
          throw new Conflict('duplicate_command', 'This command was already applied elsewhere in the log');
        }
        if (!(error instanceof WrongExpectedVersion) || Date.now() >= deadline) throw error;
        // Another process won the race: catch up and decide again. The jitter keeps two
        // processes that keep colliding from doing so in lock step.
        if (++conflicts > 1) await sleep(Math.random() * Math.min(conflicts, 10));
        [loaded, fresh] = [await this.load(aggregate, stream), true];
      }
    }
  }

  private append(stream: string, revision: bigint, events: readonly Event[], context: CommandContext) {
    return this.log.append(stream, toEnvelopes(events, context), { expected: revision === -1n ? 'no_stream' : revision });
  }

  private appended<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    loaded: CachedStream<State>,
    events: readonly E[],
    appended: AppendResult,
    unchanged: CommandOutcome<State, E>,
  ): CommandOutcome<State, E> {
    const state = events.reduce(aggregate.decider.evolve, loaded.state);
    const { index: track } = aggregate;
    const index = track ? events.reduce((i, e, n) => track.add(i, e, loaded.revision + 1n + BigInt(n)), loaded.index as I) : undefined;
    this.states.remember(stream, { ...loaded, state, index, revision: appended.nextRevision, lastHash: appended.lastHash });
    return { ...unchanged, state, streamRevision: appended.nextRevision, position: appended.position };
  }

  /**
   * The state as this process last saw it (read or appended), or a load if it never did: for
   * checks whose outcome an append at the exact revision guards anyway (a command's guard), and
   * for a second look at a stream that was loaded earlier in the same request.
   */
  async latest<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string): Promise<CachedStream<State>> {
    return this.states.cached(aggregate, stream) ?? this.load(aggregate, stream);
  }

  /**
   * The outcome of an earlier attempt of `commandId`, rebuilt from the events it appended, or
   * undefined if it appended none. It folds the state up to those events from the newest
   * snapshot before them, so it costs what was appended since, not the stream's history.
   */
  async recover<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    commandId: string,
    since?: Date,
  ): Promise<CommandOutcome<State, E> | undefined> {
    const recorded = await findCommandEvents(this.log, stream, commandId, since);
    if (recorded.length === 0) return undefined;
    const first = recorded[0]!;
    const last = recorded[recorded.length - 1]!;
    const before = await this.states.stateAt(aggregate, stream, first.revision - 1n);
    const events = recorded.map((event) => upcast(event) as E);
    const state = events.reduce(aggregate.decider.evolve, before);
    return { events, before, state, stream, streamRevision: last.revision, position: last.position, recovered: true };
  }


}

/** The pipeline a process runs its commands through, with its snapshots in the same PostgreSQL. */
export function createCommandPipeline(
  log: EventLog,
  pool: Pool,
  settings: Partial<Pick<PipelineOptions, 'cacheSize' | 'retryMs' | 'snapshotEvery' | 'onSnapshotError'>> = {},
): CommandPipeline {
  return new CommandPipeline({ log, snapshots: new SnapshotStore(pool), ...settings });
}
