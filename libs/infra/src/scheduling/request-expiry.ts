import { sql } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { companyStreamName, isDomainError, type CompanyCommand } from '#domain';
import { companies } from '../commands/aggregates';
import type { CommandPipeline } from '../commands/command-pipeline';
import { isConnectionError } from '../database/connection-loss';
import { asService, createDb } from '../database/database';
import type { ProjectorLogger } from '../projections/projector';
import { newCommandContext } from '../event-log/envelope';

const LOCK = [727_003, 1] as const;
const ACTOR = { kind: 'service', service: 'request-expiry' } as const;

export type ExpiryScheduler = Readonly<{ stop: () => Promise<void>; runOnce: () => Promise<number>; isActive: () => boolean }>;

/**
 * Records `PermissionChangeExpired` for pending requests past their expiry. Runs in one process
 * at a time (an advisory lock; others stay idle), finds candidates in the read model and lets the
 * domain decide: a request decided meanwhile is simply refused and skipped.
 */
export function startExpiryScheduler(options: {
  ownerPool: Pool;
  pipeline: CommandPipeline;
  intervalMs?: number;
  logger?: ProjectorLogger;
}): ExpiryScheduler {
  const db = createDb(options.ownerPool);
  let lockClient: PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  // The lock lives as long as its connection: when the server drops it, the lock is gone too, and
  // the next tick takes a fresh connection and tries for the lock again.
  const lockLost = (): void => {
    const client = lockClient;
    lockClient = undefined;
    client?.off('error', lockLost);
    client?.release(true);
  };

  const expireDue = async (): Promise<number> => {
    const due = await asService(db, (trx) =>
      trx
        .selectFrom('permission_change_requests as r')
        .innerJoin('permission_change_request_details as d', 'd.request_id', 'r.id')
        .select(['r.id', 'r.company_id'])
        .where('r.status', '=', 'pending')
        .where('d.expires_at', '<=', sql<Date>`now()`)
        .limit(100)
        .execute(),
    );
    let expired = 0;
    for (const request of due) {
      const now = new Date().toISOString();
      const command = { type: 'ExpireRequest', data: { requestId: request.id }, metadata: { actor: ACTOR, now } } as CompanyCommand;
      try {
        await options.pipeline.run(companies, companyStreamName(request.company_id), command, newCommandContext(ACTOR, { companyId: request.company_id }, now));
        expired++;
      } catch (error) {
        if (!isDomainError(error)) throw error;
      }
    }
    return expired;
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      if (!lockClient) {
        const client = await options.ownerPool.connect();
        const held = await client
          .query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [...LOCK])
          .then(({ rows }) => rows[0]!.ok)
          .catch((error: unknown) => {
            client.release(true);
            throw error;
          });
        if (held) {
          client.on('error', lockLost);
          lockClient = client;
        } else client.release();
      }
      if (lockClient) {
        const count = await expireDue();
        if (count > 0) options.logger?.info({ expired: count }, 'permission change requests expired');
      }
    } catch (error) {
      // The server may have gone without the held connection noticing yet: give it back broken.
      if (isConnectionError(error)) lockLost();
      options.logger?.warn({ err: (error as Error).message }, 'expiry run failed; retrying next tick');
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), options.intervalMs ?? 30_000);
  };
  running = tick();

  return {
    runOnce: expireDue,
    isActive: () => lockClient !== undefined,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      const client = lockClient;
      if (client) {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK]).catch(() => undefined);
        if (lockClient === client) {
          lockClient = undefined;
          client.off('error', lockLost);
          client.release();
        }
      }
    },
  };
}
