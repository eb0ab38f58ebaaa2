import pino from 'pino';
import { createCommandPipeline } from '../../../libs/infra/src/commands/command-pipeline';
import { loadConfig } from '../../../libs/infra/src/config/config';
import { createPool } from '../../../libs/infra/src/database/database';
import { openOwnerDatabase } from '../../../libs/infra/src/database/owner-database';
import { PostgresEventLog } from '../../../libs/infra/src/event-log/postgres-event-log';
import { startProjector } from '../../../libs/infra/src/projections/projector';
import { startExpiryScheduler } from '../../../libs/infra/src/scheduling/request-expiry';

/** `npm run start:projector`: the projector alone (production runs it beside the API). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { app: 'projector' } });
  const database = await openOwnerDatabase(config, (line) => logger.debug({ postgres: line.trim() }));
  const pool = createPool(database.ownerUrl, { max: 5 });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'database connection closed'));
  const log = new PostgresEventLog(pool, { pollIntervalMs: config.projector.pollIntervalMs });
  const projector = startProjector({
    ownerPool: pool,
    log,
    batchSize: config.projector.batchSize,
    maxRetries: config.projector.maxRetries,
    logger,
  });
  // The projector process also runs the request-expiry scheduler (one active per cluster).
  const pipeline = createCommandPipeline(log, pool, config.commands);
  const expiry = startExpiryScheduler({ ownerPool: pool, pipeline, intervalMs: config.requestExpiryIntervalMs, logger });
  logger.info('projector started');
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'projector stopping');
    await expiry.stop();
    await projector.stop();
    await pool.end();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
