import { createHash, randomUUID } from 'node:crypto';
import { type Actor, causeWithinBatch } from '#domain';
import type { EventMetadata, EventToAppend } from './event-log';

/** Who, why and when a command ran: what every event it produces carries in its metadata. */
export type CommandContext = Readonly<{
  commandId: string;
  correlationId: string;
  /** The event or command that caused this one; the command itself when a client sent it. */
  causationId?: string;
  actor: Actor;
  now: string;
  tenant: Readonly<{ companyId?: string; workspaceId?: string }>;
}>;

export const SCHEMA_VERSION = 1;

/** The context of a command that starts its own story: a fresh id, which is also its correlation id. */
export function newCommandContext(actor: Actor, tenant: CommandContext['tenant'], now: string = new Date().toISOString()): CommandContext {
  const commandId = randomUUID();
  return { commandId, correlationId: commandId, actor, now, tenant };
}

/** A uuid-shaped SHA-256 (version 5 layout), so derived ids fit the uuid columns and the domain's id rule. */
export function uuidFromHash(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Event ids derived from the command id: a retried command (same Idempotency-Key, a crash
 * between append and answer) appends the very same ids, which the log turns into a no-op.
 */
export const eventIdFor = (commandId: string, index: number): string => uuidFromHash(`${commandId}:${index}`);

function metadataActor(actor: Actor): EventMetadata['actor'] {
  return actor.kind === 'user' ? { userId: actor.userId, companyId: actor.companyId } : { service: actor.service };
}

export function toEnvelopes(events: readonly { type: string; data: unknown }[], context: CommandContext): EventToAppend[] {
  return events.map((event, index) => {
    const cause = causeWithinBatch(events, event);
    return {
      type: event.type,
      data: event.data,
      metadata: {
        eventId: eventIdFor(context.commandId, index),
        commandId: context.commandId,
        correlationId: context.correlationId,
        causationId: cause !== undefined ? eventIdFor(context.commandId, cause) : (context.causationId ?? context.commandId),
        actor: metadataActor(context.actor),
        occurredAt: context.now,
        schemaVersion: SCHEMA_VERSION,
        tenant: context.tenant,
      },
    };
  });
}
