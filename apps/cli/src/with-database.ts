import type { Pool } from 'pg';
import { type CommandPipeline, createCommandPipeline } from '#infra/commands/command-pipeline';
import type { AppConfig } from '#infra/config/config';
import { createPool } from '#infra/database/database';
import { openOwnerDatabase } from '#infra/database/owner-database';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';

/**
 * Opens the service's database for one CLI command: DATABASE_URL, or the embedded cluster
 * (joined if the service runs, else started for the command and stopped after it).
 */
export async function withDatabase<T>(
  config: AppConfig,
  work: (owner: Pool, log: PostgresEventLog, pipeline: CommandPipeline) => Promise<T>,
): Promise<T> {
  const database = await openOwnerDatabase(config);
  const owner = createPool(database.ownerUrl, { max: 4 });
  const log = new PostgresEventLog(owner);
  // The same pipeline as the API's: commands from the CLI are decided and appended the same way.
  const pipeline = createCommandPipeline(log, owner, config.commands);
  try {
    return await work(owner, log, pipeline);
  } finally {
    await pipeline.idle();
    await owner.end();
    await database.stop();
  }
}
