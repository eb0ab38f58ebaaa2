// Emmett-style decider primitives. Everything here must stay JSON-native and
// free of I/O so the same code runs in the API, the CLI and the tests.

export type Event<Type extends string = string, Data = Record<string, unknown>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type Actor =
  | Readonly<{ kind: 'user'; userId: string; companyId: string }>
  | Readonly<{ kind: 'service'; service: string }>;

// Time and the acting identity are inputs, never read from the environment,
// so that decide() stays deterministic and replayable.
export type CommandMetadata = Readonly<{ actor: Actor; now: string /* ISO-8601 */ }>;

export type Command<Type extends string = string, Data = Record<string, unknown>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: CommandMetadata;
}>;

export type Decider<State, C extends Command, E extends Event> = Readonly<{
  initialState: () => State;
  evolve: (state: State, event: E) => State;
  decide: (command: C, state: State) => readonly E[];
}>;

export function fold<State, C extends Command, E extends Event>(
  decider: Decider<State, C, E>,
  events: readonly E[],
  state: State = decider.initialState(),
): State {
  return events.reduce(decider.evolve, state);
}

// Used as the `default` of every switch over a union: adding a member without
// handling it becomes a compile error instead of a silent fall-through.
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
