import { Injectable } from '@nestjs/common';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';

/** What is kept of a first answer: enough to send it again byte for byte. */
export type StoredAnswer = Readonly<{ body: unknown; headers: Readonly<Record<string, string>> }>;

export type Reservation =
  /** recovering: a crashed attempt held the key, so its events may already be in the log. */
  | Readonly<{ kind: 'fresh'; recovering: boolean }>
  | Readonly<{ kind: 'replay'; status: number; answer: StoredAnswer }>;

type Row = { request_hash: string; status_code: number | null; response: StoredAnswer | null; stale: boolean };

// A reservation this old belongs to a process that died mid-request; it must not block the key forever.
const IN_FLIGHT_TIMEOUT = '60 seconds';

/** Durable Idempotency-Key bookkeeping in api.idempotency_keys (user_id, key). */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly runtime: ApiRuntime) {}

  async reserve(userId: string, key: string, requestHash: string): Promise<Reservation> {
    // Two rounds: the row we collide with may be released between our insert and our read.
    for (let round = 0; round < 3; round++) {
      const inserted = await this.runtime.pool.query(
        `INSERT INTO api.idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, key) DO NOTHING`,
        [userId, key, requestHash],
      );
      if (inserted.rowCount === 1) return { kind: 'fresh', recovering: false };
      const { rows } = await this.runtime.pool.query<Row>(
        `SELECT request_hash, status_code, response, created_at < now() - $3::interval AS stale
           FROM api.idempotency_keys WHERE user_id = $1 AND key = $2`,
        [userId, key, IN_FLIGHT_TIMEOUT],
      );
      const row = rows[0];
      if (row === undefined) continue;
      if (row.request_hash !== requestHash) {
        throw new ProblemError({
          status: 422,
          code: 'idempotency_key_reuse',
          detail: 'This Idempotency-Key was already used for a different request',
        });
      }
      if (row.status_code !== null && row.response !== null) {
        return { kind: 'replay', status: row.status_code, answer: row.response };
      }
      if (row.stale && (await this.takeOver(userId, key))) return { kind: 'fresh', recovering: true };
      throw new ProblemError({
        status: 409,
        code: 'idempotency_key_in_flight',
        detail: 'A request with this Idempotency-Key is still being processed; retry shortly',
        headers: { 'Retry-After': '1' },
      });
    }
    throw new ProblemError({ status: 409, code: 'idempotency_key_in_flight', detail: 'Idempotency-Key is contended; retry' });
  }

  async complete(userId: string, key: string, status: number, answer: StoredAnswer): Promise<void> {
    await this.runtime.pool.query(
      `UPDATE api.idempotency_keys SET status_code = $3, response = $4::jsonb
        WHERE user_id = $1 AND key = $2 AND status_code IS NULL`,
      [userId, key, status, JSON.stringify(answer)],
    );
  }

  /** Errors are not remembered: the client may fix the cause and retry with the same key. */
  async release(userId: string, key: string): Promise<void> {
    await this.runtime.pool.query(
      'DELETE FROM api.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL',
      [userId, key],
    );
  }

  private async takeOver(userId: string, key: string): Promise<boolean> {
    const { rowCount } = await this.runtime.pool.query(
      `UPDATE api.idempotency_keys SET created_at = now()
        WHERE user_id = $1 AND key = $2 AND status_code IS NULL AND created_at < now() - $3::interval`,
      [userId, key, IN_FLIGHT_TIMEOUT],
    );
    return rowCount === 1;
  }
}
