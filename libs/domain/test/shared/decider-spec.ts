// Given/when/then harness for deciders. Test-only: it relies on Jest's global
// `expect`, so it is deliberately not re-exported from the package index.
import { type Command, type Decider, type Event, fold } from '../../src/shared/decider';
import { DomainError } from '../../src/shared/domain-errors';

type ErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;

export type WhenStep<State, E extends Event> = Readonly<{
  /** Asserts the exact emitted events and returns them with the resulting state. */
  then: (expected: readonly E[]) => Readonly<{ events: readonly E[]; state: State }>;
  thenNothingHappened: () => void;
  /** Asserts a domain error of the given class (and code) and returns it. */
  thenThrows: <Err extends DomainError>(errorClass: ErrorClass<Err>, code?: string) => Err;
}>;

export type GivenStep<State, C extends Command, E extends Event> = Readonly<{
  when: (command: C) => WhenStep<State, E>;
}>;

export const DeciderSpec = {
  for<State, C extends Command, E extends Event>(decider: Decider<State, C, E>) {
    return {
      given(events: readonly E[]): GivenStep<State, C, E> {
        return {
          when(command: C): WhenStep<State, E> {
            const run = () => {
              const before = fold(decider, events);
              const emitted = decider.decide(command, before);
              return { events: emitted, state: fold(decider, emitted, before) };
            };
            return {
              then(expected) {
                const result = run();
                expect(result.events).toEqual(expected);
                return result;
              },
              thenNothingHappened() {
                expect(run().events).toEqual([]);
              },
              thenThrows<Err extends DomainError>(errorClass: ErrorClass<Err>, code?: string): Err {
                let caught: unknown;
                try {
                  run();
                } catch (error) {
                  caught = error;
                }
                expect(caught).toBeInstanceOf(errorClass);
                if (code !== undefined) expect((caught as Err).code).toBe(code);
                return caught as Err;
              },
            };
          },
        };
      },
    };
  },
};
