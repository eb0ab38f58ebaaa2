import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';

/** What is kept of a first answer: enough to send it again byte for byte. */
export type StoredAnswer = Readonly<{ body: unknown; headers: Readonly<Record<string, string>> }>;

export type Reservation =
  /**
   * use: which use of the key this is (its reservation time), so that a key used again after it
   * expired derives new command ids; undefined for keys from before migration 014.
   * recoverSince: an attempt of unknown outcome held the key since then; its events may be in the log.
   */
  | Readonly<{ kind: 'fresh'; use: string | undefined; recoverSince?: Date }>
  | Readonly<{ kind: 'replay'; status: number; answer: StoredAnswer }>;

type Row = {
  request_hash: string;
  status_code: number | null;
  response: StoredAnswer | null;
  stale: boolean;
  reserved_at: Date;
  use: string;
};

/** Whose key it is: keys are per user, and go with their company when it is shredded. */
export type KeyOwner = Readonly<{ userId: string; companyId: string }>;

/** Written over the unkeyed hashes of before migration 014: such a key answers any retry. */
const LEGACY_FINGERPRINT = 'legacy-unkeyed';
const SWEEP_EVERY_MS = 10 * 60_000;
const SWEEP_BATCH = 1000;

/** Durable Idempotency-Key bookkeeping in api.idempotency_keys (user_id, key). */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: ApiRuntime) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private get ttlSeconds(): number {
    return this.runtime.config.idempotencyKeyTtlSeconds;
  }

  /**
   * Deletes keys past their time to live, a batch at a time by the reserved_at index, so the
   * table holds about one day of keys however long the service runs. Returns how many went.
   */
  async sweep(): Promise<number> {
    let swept = 0;
    for (;;) {
      const { rowCount } = await this.runtime.pool.query(
        `DELETE FROM api.idempotency_keys WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM api.idempotency_keys WHERE reserved_at < now() - make_interval(secs => $1) LIMIT $2))`,
        [this.ttlSeconds, SWEEP_BATCH],
      );
      swept += rowCount ?? 0;
      if ((rowCount ?? 0) < SWEEP_BATCH) return swept;
    }
  }

  /** A reservation this old belongs to an attempt that died mid-request; it must not block the key forever. */
  private get inFlightMs(): number {
    return this.runtime.config.idempotencyInFlightMs;
  }

  async reserve({ userId, companyId }: KeyOwner, key: string, requestHash: string): Promise<Reservation> {
    // Two rounds: the row we collide with may be released between our insert and our read.
    for (let round = 0; round < 3; round++) {
      // A key past its time to live is forgotten even before the sweep gets to it.
      const inserted = await this.runtime.pool.query(
        `INSERT INTO api.idempotency_keys AS k (user_id, company_id, key, request_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, key) DO UPDATE
            SET company_id = EXCLUDED.company_id, request_hash = EXCLUDED.request_hash, status_code = NULL,
                response = NULL, created_at = now(), reserved_at = now()
          WHERE k.reserved_at < now() - make_interval(secs => $5)
         RETURNING reserved_at::text AS use`,
        [userId, companyId, key, requestHash, this.ttlSeconds],
      );
      if (inserted.rowCount === 1) return { kind: 'fresh', use: (inserted.rows[0] as { use: string }).use };
      const { rows } = await this.runtime.pool.query<Row>(
        `SELECT request_hash, status_code, response, reserved_at, reserved_at::text AS use,
                created_at < now() - make_interval(secs => $3 / 1000.0) AS stale
           FROM api.idempotency_keys WHERE user_id = $1 AND key = $2`,
        [userId, key, this.inFlightMs],
      );
      const row = rows[0];
      if (row === undefined) continue;
      if (row.request_hash !== requestHash && row.request_hash !== LEGACY_FINGERPRINT) {
        throw new ProblemError({
          status: 422,
          code: 'idempotency_key_reuse',
          detail: 'This Idempotency-Key was already used for a different request',
        });
      }
      if (row.status_code !== null && row.response !== null) {
        return { kind: 'replay', status: row.status_code, answer: row.response };
      }
      if (row.stale && (await this.takeOver(userId, key))) {
        return { kind: 'fresh', use: row.request_hash === LEGACY_FINGERPRINT ? undefined : row.use, recoverSince: row.reserved_at };
      }
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

  /**
   * An attempt that failed in a way that leaves its outcome unknown (the database went away
   * mid-append): the key stays taken, and the next attempt with it looks for what this one
   * appended before deciding anything, at once rather than after the in-flight timeout.
   */
  async abandon(userId: string, key: string): Promise<void> {
    await this.runtime.pool.query(
      `UPDATE api.idempotency_keys SET created_at = '-infinity' WHERE user_id = $1 AND key = $2 AND status_code IS NULL`,
      [userId, key],
    );
  }

  /** Refusals are not remembered: the client may fix the cause and retry with the same key. */
  async release(userId: string, key: string): Promise<void> {
    await this.runtime.pool.query(
      'DELETE FROM api.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL',
      [userId, key],
    );
  }

  private async takeOver(userId: string, key: string): Promise<boolean> {
    const { rowCount } = await this.runtime.pool.query(
      `UPDATE api.idempotency_keys SET created_at = now()
        WHERE user_id = $1 AND key = $2 AND status_code IS NULL AND created_at < now() - make_interval(secs => $3 / 1000.0)`,
      [userId, key, this.inFlightMs],
    );
    return rowCount === 1;
  }
}
