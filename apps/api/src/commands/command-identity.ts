import { createHash, randomUUID } from 'node:crypto';
import { parseIdempotencyKey } from '../http/headers';
import { type ApiRequest, requireUser } from '../http/request-user';

/** A uuid-shaped sha-256, so derived ids fit the uuid columns and the domain's id rule. */
export function uuidFromHash(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The command id, fixed per request. With an Idempotency-Key it is derived from (user, key, the
 * key's use): a retry after a lost answer produces the same event ids, which the log refuses to
 * duplicate, while the same key used again after it expired starts a new command.
 */
export function commandIdOf(request: ApiRequest): string {
  if (request.commandId === undefined) {
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    const userId = requireUser(request).actor.userId;
    const use = request.idempotentUse === undefined ? '' : `:${request.idempotentUse}`;
    request.commandId = key === undefined ? randomUUID() : uuidFromHash(`command:${userId}:${key}${use}`);
  }
  return request.commandId;
}

/** Ids of entities a command creates follow its command id, so a retried create targets the same entity. */
export const newEntityId = (request: ApiRequest, kind: string): string => uuidFromHash(`${kind}:${commandIdOf(request)}`);

const CORRELATION = /^[A-Za-z0-9._:-]{1,100}$/;

/** A caller-supplied correlation id ties several commands together; otherwise each starts its own. */
export function correlationIdOf(request: ApiRequest): string {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && CORRELATION.test(header) ? header : commandIdOf(request);
}
