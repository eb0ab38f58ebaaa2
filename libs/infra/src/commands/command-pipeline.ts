import type { Pool } from 'pg';
import { Conflict, type Command, type Event, isDomainError } from '#domain';
import type { CommandContext } from '../event-log/envelope';
import { type EventLog, WrongExpectedVersion } from '../event-log/event-log';
import type { Position } from '../event-log/position';
import { upcast } from '../event-log/upcasters';
import type { Aggregate } from './aggregates';
import { appendBatch, type Decided, DuplicateInBatch } from './command-batch';
import { findCommandEvents } from './command-recovery';
import { SnapshotStore } from './snapshot-store';
import type { CachedStream } from './state-cache';
import { StreamLanes } from './stream-lanes';
import { StreamStates } from './stream-states';

/** What a command did: the events it appended and the states on either side of them. */
export type CommandOutcome<State, E> = Readonly<{
  events: readonly E[];
  /** The state the command was decided on. */
  before: State;
  state: State;
  stream: string;
  /** The stream's revision after the command (-1n: the stream still has no events). */
  streamRevision: bigint;
  /** Where the append that carried its events landed; undefined when it changed nothing. */
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

type AnyAggregate = Aggregate<unknown, Command, Event, unknown>;

/** A command waiting in its stream's lane, with what settles its caller's promise. */
type Pending = {
  readonly aggregate: AnyAggregate;
  readonly run: CommandRun<unknown, Command, unknown>;
  prepared?: { value: unknown };
  readonly settle: (outcome: CommandOutcome<unknown, Event>) => void;
  readonly fail: (error: unknown) => void;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one way a command runs: load → decide → append, for every aggregate and every caller (the
 * API's handlers, the CLI, the expiry scheduler). A load costs the events appended since the
 * cached (or snapshotted) state, never the stream's whole history. The cache is only a shortcut:
 * each append expects the exact revision the decision saw, so a write by anyone else (another
 * process, the CLI) makes the append fail, and the commands are decided again on the caught-up
 * state. Rules with a precondition (If-Match, an expected version) are checked by decide() on
 * that state and fail there, once, with the domain's own 409. Commands waiting for the same
 * stream are decided one after the other and appended together.
 */
export class CommandPipeline {
  readonly log: EventLog;
  private readonly states: StreamStates;
  private readonly lanes = new StreamLanes<Pending>((stream, jobs) => this.drain(stream, jobs));
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

  /**
   * The state as this process last saw it (read or appended), or a load if it never did: for
   * checks whose outcome an append at the exact revision guards anyway (a command's guard), and
   * for a second look at a stream that was loaded earlier in the same request.
   */
  async latest<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string): Promise<CachedStream<State>> {
    return this.states.cached(aggregate, stream) ?? this.load(aggregate, stream);
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

  /** Runs one command on one stream, through that stream's lane. */
  async execute<State, C extends Command, E extends Event, I, Prepared = undefined>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    run: CommandRun<State, C, Prepared>,
  ): Promise<CommandOutcome<State, E>> {
    if (run.recoverSince !== undefined) {
      const recovered = await this.recover(aggregate, stream, run.context.commandId, run.recoverSince);
      if (recovered !== undefined) return recovered;
    }
    return new Promise((settle, fail) => {
      this.lanes.submit(stream, {
        aggregate: aggregate as unknown as AnyAggregate,
        run: run as unknown as CommandRun<unknown, Command, unknown>,
        settle: settle as (outcome: CommandOutcome<unknown, Event>) => void,
        fail,
      });
    });
  }

  /** Settles every job of one lane batch: appended together, or one by one when they must be told apart. */
  private async drain(stream: string, jobs: Pending[]): Promise<void> {
    const ready: Pending[] = [];
    for (const job of jobs) {
      try {
        if (job.run.prepare && !job.prepared) job.prepared = { value: await job.run.prepare() };
        ready.push(job);
      } catch (error) {
        job.fail(error);
      }
    }
    if (ready.length === 0) return;
    try {
      await this.decideAndAppend(stream, ready);
    } catch (error) {
      if (ready.length > 1 && !(error instanceof WrongExpectedVersion)) {
        // One of them cannot be appended (its events were appended before, or are too large):
        // each alone, so that only that one fails, or is recovered.
        for (const job of ready) await this.drain(stream, [job]);
        return;
      }
      const job = ready[0]!;
      const recovered = error instanceof DuplicateInBatch ? await this.recover(job.aggregate, stream, job.run.context.commandId) : undefined;
      await this.settleAll(ready, () => (recovered !== undefined ? Promise.resolve(recovered) : Promise.reject(error instanceof DuplicateInBatch ? duplicate() : error)));
    }
  }

  /**
   * Decides the jobs in order, each on the state the ones before it left, and appends all their
   * events at the exact revision the first saw. Optimistic: it starts from the cached state
   * without reading; a refusal or a no-op decided on a cached state is checked again on a fresh
   * one, and a lost race is decided again on the caught-up state until `retryMs` has passed.
   */
  private async decideAndAppend(stream: string, jobs: Pending[]): Promise<void> {
    const aggregate = jobs[0]!.aggregate;
    const deadline = Date.now() + this.retryMs;
    let loaded = this.states.cached(aggregate, stream);
    let fresh = loaded === undefined;
    loaded ??= await this.load(aggregate, stream);
    for (let conflicts = 0; ; ) {
      const decided = await this.decideAll(aggregate, jobs, loaded.state);
      const doubtful = decided.some((d) => (d.error !== undefined && isDomainError(d.error)) || d.events?.length === 0);
      if (doubtful && !fresh) {
        [loaded, fresh] = [await this.load(aggregate, stream), true];
        continue;
      }
      try {
        const appended = await appendBatch(this.log, aggregate, stream, loaded, decided);
        if (appended.entry !== undefined) this.states.remember(stream, appended.entry);
        await this.settleAll(jobs, (_job, i) => {
          const { error, outcome } = appended.results[i]!;
          return error === undefined ? Promise.resolve(outcome!) : Promise.reject(error);
        });
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || Date.now() >= deadline) throw error;
        // Another process won the race: catch up and decide again. The jitter keeps two
        // processes that keep colliding from doing so in lock step.
        if (++conflicts > 1) await sleep(Math.random() * Math.min(conflicts, 10));
        [loaded, fresh] = [await this.load(aggregate, stream), true];
      }
    }
  }

  private async decideAll(aggregate: AnyAggregate, jobs: readonly Pending[], start: unknown): Promise<Decided[]> {
    const decided: Decided[] = [];
    let state = start;
    for (const job of jobs) {
      try {
        const events = aggregate.decider.decide(await job.run.command(state, job.prepared?.value), state);
        decided.push({ context: job.run.context, before: state, events });
        state = events.reduce(aggregate.decider.evolve, state);
      } catch (error) {
        decided.push({ context: job.run.context, before: state, error });
      }
    }
    return decided;
  }

  /** Settles each job with what `outcomeOf` gives; a prepared resource its command did not use is discarded. */
  private async settleAll(jobs: readonly Pending[], outcomeOf: (job: Pending, index: number) => Promise<CommandOutcome<unknown, Event>>): Promise<void> {
    await Promise.all(
      jobs.map(async (job, i) => {
        let outcome: CommandOutcome<unknown, Event>;
        try {
          outcome = await outcomeOf(job, i);
        } catch (error) {
          if (job.prepared && job.run.discard) await job.run.discard(job.prepared.value).catch(() => undefined);
          job.fail(error);
          return;
        }
        if ((outcome.events.length === 0 || outcome.recovered) && job.prepared && job.run.discard) await job.run.discard(job.prepared.value);
        job.settle(outcome);
      }),
    );
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
    const found = await findCommandEvents(this.log, stream, commandId, since);
    if (found === undefined) return undefined;
    const before = await this.states.stateAt(aggregate, stream, found.events[0]!.revision - 1n);
    const events = found.events.map((event) => upcast(event) as E);
    const state = events.reduce(aggregate.decider.evolve, before);
    return { events, before, state, stream, streamRevision: found.events[found.events.length - 1]!.revision, position: found.appendPosition, recovered: true };
  }

}

/** A command whose events are in the log already, at a place where recovery does not find them. */
const duplicate = (): Conflict => new Conflict('duplicate_command', 'This command was already applied elsewhere in the log');

/** The pipeline a process runs its commands through, with its snapshots in the same PostgreSQL. */
export function createCommandPipeline(
  log: EventLog,
  pool: Pool,
  settings: Partial<Pick<PipelineOptions, 'cacheSize' | 'retryMs' | 'snapshotEvery' | 'onSnapshotError'>> = {},
): CommandPipeline {
  return new CommandPipeline({ log, snapshots: new SnapshotStore(pool), ...settings });
}
