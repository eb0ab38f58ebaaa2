import { randomBytes, randomUUID } from 'node:crypto';
import { toEnvelopes } from '#infra/event-log/envelope';
import type { EventMetadata, EventToAppend } from '#infra/event-log/event-log';

/** A realistic small event body: what a command handler typically records. */
function eventData(companyId: string, n: number): Record<string, unknown> {
  return { companyId, name: 'Acme Robotics GmbH', plan: 'pro', seats: 12, country: 'DE', n };
}

/** `count` envelopes of one command, built exactly as the service builds them. */
export function benchEvents(count: number): EventToAppend[] {
  const companyId = randomUUID();
  const commandId = randomUUID();
  const events = Array.from({ length: count }, (_, n) => ({ type: 'CompanyRegistered', data: eventData(companyId, n) }));
  return toEnvelopes(events, {
    commandId,
    correlationId: commandId,
    actor: { kind: 'user', userId: randomUUID(), companyId },
    now: new Date().toISOString(),
    tenant: { companyId },
  });
}

export type RawRow = Readonly<{ streamId: string; revision: number; eventId: string; type: string; data: string; metadata: string }>;

// The log stores prevHash and hash in every event's metadata; the raw rows carry the same
// fields (random hex of the same length) so both tables write rows of the same size.
const fakeHash = (): string => randomBytes(32).toString('hex');

export function rawRows(streamId: string, firstRevision: number, events: readonly EventToAppend[]): RawRow[] {
  return events.map((event, i) => {
    const metadata: EventMetadata = { ...event.metadata, prevHash: fakeHash(), hash: fakeHash() };
    return {
      streamId,
      revision: firstRevision + i,
      eventId: event.metadata.eventId,
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(metadata),
    };
  });
}
