import { type PipeTransform } from '@nestjs/common';
import { parsePosition, type Position } from '#infra/event-log/position';
import { badRequest, ProblemError } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A strong entity tag "3", or the bare digits curl users type; nothing half-quoted.
const REVISION = /^(?:"(\d{1,19})"|(\d{1,19}))$/;
// Printable ASCII only: keys end up in a varchar primary key and in logs.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export type HeaderValue = string | string[] | undefined;

const single = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** Path ids: 400 unless a uuid; lower-cased because that is how ids are stored and streamed. */
export class UuidParam implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw badRequest('validation_failed', `Invalid request: ${this.field}`, [
        { field: this.field, messages: [`${this.field} must be a UUID`] },
      ]);
    }
    return value.toLowerCase();
  }
}

/**
 * If-Match as a revision: `"3"` (the ETag as sent) or `3`. `*` means "whatever is current", i.e.
 * no precondition. If-Match compares strongly (RFC 9110 13.1.1): a weak tag `W/"3"` never
 * matches, so it fails the precondition (412) rather than being read as `"3"`.
 */
export function parseIfMatch(raw: HeaderValue): bigint | undefined {
  const text = single(raw)?.trim();
  if (text === undefined || text === '' || text === '*') return undefined;
  if (text.startsWith('W/')) {
    throw new ProblemError({
      status: 412,
      code: 'weak_etag',
      detail: 'If-Match compares strongly: a weak ETag (W/...) never matches; send the ETag as the answer gave it',
      errors: [{ field: 'If-Match', messages: ['must be a strong ETag such as "3"'] }],
    });
  }
  const match = REVISION.exec(text);
  if (!match) {
    throw badRequest('invalid_if_match', 'If-Match must be a revision such as "3"', [
      { field: 'If-Match', messages: ['must be a revision such as "3"'] },
    ]);
  }
  return BigInt(match[1] ?? match[2]!);
}

export function requireIfMatch(raw: HeaderValue): bigint {
  const revision = parseIfMatch(raw);
  if (revision === undefined) {
    throw new ProblemError({
      status: 428,
      code: 'if_match_required',
      detail: 'Send If-Match with the revision you last read (the ETag) so concurrent edits are not lost',
    });
  }
  return revision;
}

export function parseIdempotencyKey(raw: HeaderValue): string | undefined {
  const text = single(raw);
  if (text === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(text)) {
    throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1..200 printable ASCII characters', [
      { field: 'Idempotency-Key', messages: ['must be 1..200 printable ASCII characters'] },
    ]);
  }
  return text;
}

export function parseMinPosition(raw: HeaderValue): Position | undefined {
  const text = single(raw);
  if (text === undefined) return undefined;
  const position = parsePosition(text);
  if (!position) {
    throw badRequest('invalid_min_position', 'X-Min-Position must be a position such as "1234/56"', [
      { field: 'X-Min-Position', messages: ['must be a position "<commit>/<prepare>" as returned by a command'] },
    ]);
  }
  return position;
}

export const etagFor = (revision: bigint | string): string => `"${revision.toString()}"`;
