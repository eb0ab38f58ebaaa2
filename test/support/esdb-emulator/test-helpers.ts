/**
 * Helpers for tests that drive the EventStoreDB emulator with the real client.
 */
import { jsonEvent, ResolvedEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';

/** A small JSON event; pass an id to retry the same event. */
export const event = (n: number, id: string = randomUUID()) => jsonEvent({ id, type: 'Counted', data: { n } });

/** Reads to the end. Never break out of the loop: the client then leaves the call open (dispose hangs). */
export async function collect(stream: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const resolved of stream) out.push(resolved);
  return out;
}

/** The error a promise rejects with, or undefined when it resolves. */
export function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

export async function wrongVersion(promise: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const error = await failure(promise);
  if (!(error instanceof WrongExpectedVersionError)) throw new Error(`expected WrongExpectedVersionError, got ${String(error)}`);
  return error;
}
