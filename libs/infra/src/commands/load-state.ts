import type { Command, Decider, Event } from '../../../domain/src/shared/decider';
import type { EventLog } from '../event-log/event-log';
import { upcast } from '../event-log/upcasters';

export type LoadedState<State> = Readonly<{ state: State; /** -1n: the stream has no events yet. */ revision: bigint }>;

/** A stream folded with the domain's own evolve (events upcast first): the state a decision sees. */
export async function loadState<State, C extends Command, E extends Event>(
  log: EventLog,
  decider: Decider<State, C, E>,
  stream: string,
): Promise<LoadedState<State>> {
  const recorded = await log.readStream(stream);
  const state = recorded.reduce((s, e) => decider.evolve(s, upcast(e) as E), decider.initialState());
  return { state, revision: recorded.length === 0 ? -1n : recorded[recorded.length - 1]!.revision };
}
