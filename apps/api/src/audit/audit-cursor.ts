import { formatPosition, parsePosition, type Position } from '#infra/event-log/position';
import { badRequest } from '../http/problem';

/** The filters of GET /v1/audit/events, normalised, as a cursor carries them. */
export type HistoryFilters = Readonly<{
  /** Event types, comma separated, sorted and deduplicated. */
  type?: string;
  actor?: string;
  stream?: string;
  category?: string;
  from?: string;
  to?: string;
}>;

/**
 * Cursors are positions, never offsets: a position below the read horizon stays where it is
 * whatever is appended later, so the next page starts exactly after the last event shown.
 * A history cursor also carries its filters, so `cursor=` alone continues the same query.
 * Opaque to clients (base64url JSON) so that what they hold can change without breaking them.
 */
type CursorBody =
  | { k: 'history'; after: string; filters: HistoryFilters }
  | { k: 'stream'; stream: string; from: string };

const encode = (body: CursorBody): string => Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');

function decode(cursor: string): Partial<CursorBody> | undefined {
  try {
    const body: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof body === 'object' && body !== null ? (body as Partial<CursorBody>) : undefined;
  } catch {
    return undefined;
  }
}

const invalid = () =>
  badRequest('invalid_cursor', 'cursor is not one this endpoint returned', [
    { field: 'cursor', messages: ['must be the `next` value of a previous page of this endpoint'] },
  ]);

export const historyCursor = (after: Position, filters: HistoryFilters): string =>
  encode({ k: 'history', after: formatPosition(after), filters });

export function readHistoryCursor(cursor: string): { after: Position; filters: HistoryFilters } {
  const body = decode(cursor);
  const after = body?.k === 'history' && typeof body.after === 'string' ? parsePosition(body.after) : undefined;
  if (body?.k !== 'history' || after === undefined || typeof body.filters !== 'object' || body.filters === null) throw invalid();
  return { after, filters: body.filters };
}

export const streamCursor = (stream: string, from: bigint): string => encode({ k: 'stream', stream, from: from.toString() });

/** A stream cursor only continues the stream it was issued for. */
export function readStreamCursor(cursor: string, stream: string): bigint {
  const body = decode(cursor);
  if (body?.k !== 'stream' || body.stream !== stream || typeof body.from !== 'string' || !/^\d{1,18}$/.test(body.from)) throw invalid();
  return BigInt(body.from);
}
