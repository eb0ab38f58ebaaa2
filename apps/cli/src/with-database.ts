import type { Pool } from 'pg';
import type { AppConfig } from '../../../libs/infra/src/config/config';
import { createPool } from '../../../libs/infra/src/database/database';
import { openOwnerDatabase } from '../../../libs/infra/src/database/owner-database';
import { PostgresEventLog } from '../../../libs/infra/src/event-log/postgres-event-log';

/**
 * Opens the service's database for one CLI command: DATABASE_URL, or the embedded cluster
 * (joined if the service runs, else started for the command and stopped after it).
 */
export async function withDatabase<T>(config: AppConfig, work: (owner: Pool, log: PostgresEventLog) => Promise<T>): Promise<T> {
  const database = await openOwnerDatabase(config);
  const owner = createPool(database.ownerUrl, { max: 4 });
  try {
    return await work(owner, new PostgresEventLog(owner));
  } finally {
    await owner.end();
    await database.stop();
  }
}
