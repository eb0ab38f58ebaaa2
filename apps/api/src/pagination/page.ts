import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { badRequest } from '../http/problem';
import { DecimalInteger } from '../http/decimal-integer';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque; the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export type Page<T> = Readonly<{ items: readonly T[]; nextCursor: string | null }>;

export const DEFAULT_PAGE_SIZE = 50;

/**
 * Keyset cursors: the sort key of the last row returned, so pages stay stable while rows are
 * added and no offset scan grows with depth. Opaque to clients (base64url JSON).
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cursors end with the row's id (the tie-breaker); a tampered one must not reach SQL as a bad uuid. */
export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part) => typeof part === 'string') &&
      UUID.test(key[arity - 1] as string)
    ) {
      return key as string[];
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('invalid_cursor', 'cursor is not one this API returned', [
    { field: 'cursor', messages: ['must be a nextCursor returned by a previous page'] },
  ]);
}

/** Fetch one row more than asked: its presence is what tells whether another page exists. */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, keyOf: (row: R) => string[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
