/**
 * Helpers for tests that drive the EventStoreDB emulator with the real client.
 */
import { EventStoreDBClient, jsonEvent, ResolvedEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { type EsdbEmulator, type EsdbEmulatorOptions, startEsdbEmulator } from './server';

/**
 * An emulator and a real client for the enclosing describe block, closed after it: `ready` gets
 * both, so the suite keeps plain variables.
 */
export function withEmulatorAndClient(ready: (emulator: EsdbEmulator, client: EventStoreDBClient) => void, options: EsdbEmulatorOptions = {}): void {
  let emulator: EsdbEmulator | undefined;
  let client: EventStoreDBClient | undefined;
  beforeAll(async () => {
    emulator = await startEsdbEmulator(options);
    client = EventStoreDBClient.connectionString(emulator.connectionString);
    ready(emulator, client);
  });
  afterAll(async () => {
    await client?.dispose();
    await emulator?.close();
  });
}

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
