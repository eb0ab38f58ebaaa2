import { randomUUID } from 'node:crypto';
import { uuidFromHash } from '#infra/event-log/envelope';
import { parseIdempotencyKey } from '../http/headers';
import { type ApiRequest, requireUser } from '../http/request-user';

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
