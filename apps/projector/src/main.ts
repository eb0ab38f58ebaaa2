import { createCommandPipeline } from '#infra/commands/command-pipeline';
import { loadConfig } from '#infra/config/config';
import { createPool } from '#infra/database/database';
import { openOwnerDatabase } from '#infra/database/owner-database';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
import { createLogger } from '#infra/observability/logger';
import { shutdownStep, stopOnSignals } from '#infra/observability/stop-on-signals';
import { startExpiryScheduler } from '#infra/scheduling/request-expiry';

/** `npm run start:projector`: the projector alone (production runs it beside the API). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat }, { base: { app: 'projector' } });
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
  const step = shutdownStep(logger);
  stopOnSignals(logger, async () => {
    await Promise.all([step('request-expiry', () => expiry.stop()), step('projector', () => projector.stop())]);
    await step('pool', () => pool.end());
    await step('database', () => database.stop());
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
