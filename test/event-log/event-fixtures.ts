import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '#infra/event-log/event-log';

export const aStream = (category = 'contract'): string => `${category}-${randomUUID()}`;

export function anEvent(type = 'SomethingHappened', data: Record<string, unknown> = { n: 1 }): EventToAppend {
  const id = randomUUID();
  return {
    type,
    data,
    metadata: {
      eventId: id,
      commandId: randomUUID(),
      correlationId: id,
      causationId: id,
      actor: { service: 'contract-test' },
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
      tenant: {},
    },
  };
}

export const events = (n: number, type?: string): EventToAppend[] =>
  Array.from({ length: n }, (_, i) => anEvent(type, { n: i }));
