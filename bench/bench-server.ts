import type { Pool } from 'pg';
import { createPool } from '#infra/database/database';
import type { BenchDatabase } from './bench-database';
import type { BenchSettings } from './bench-settings';
import { measure, type Measurement, type Step } from './measure';

export type ServerInfo = Readonly<{ version: string; synchronousCommit: string; fsync: string }>;

export type BenchPools = Readonly<{ api: Pool; owner: Pool; close: () => Promise<void> }>;

/** A pool slot per writer plus headroom, as the API login (as the service appends) and as owner. */
export function openPools(database: BenchDatabase, settings: BenchSettings): BenchPools {
  const api = createPool(database.apiUrl, { max: settings.writers + 2 });
  const owner = createPool(database.ownerUrl, { max: settings.writers + 2 });
  // pool.end() resolves before its sockets close; stopping PostgreSQL then terminates them,
  // which an idle client reports as a pool error that would otherwise crash the process.
  let closing = false;
  const onError = (error: Error): void => {
    if (!closing) console.error(`pool error: ${error.message}`);
  };
  api.on('error', onError);
  owner.on('error', onError);
  return {
    api,
    owner,
    close: async () => {
      closing = true;
      await Promise.allSettled([api.end(), owner.end()]);
    },
  };
}

export async function serverInfo(pool: Pool): Promise<ServerInfo> {
  const setting = async (name: string): Promise<string> =>
    (await pool.query<{ setting: string }>('SELECT current_setting($1) AS setting', [name])).rows[0]!.setting;
  return {
    version: await setting('server_version'),
    synchronousCommit: await setting('synchronous_commit'),
    fsync: await setting('fsync'),
  };
}

/** Each measurement starts after a checkpoint; a shared server may refuse it, which is fine. */
export async function timed(owner: Pool, steps: Step[], settings: BenchSettings): Promise<Measurement> {
  await owner.query('CHECKPOINT').catch(() => undefined);
  return measure(steps, settings);
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;
export const rate = (value: number): string => Math.round(value).toLocaleString('en-US').padStart(9);
