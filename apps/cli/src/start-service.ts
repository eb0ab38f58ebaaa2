import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../api/src/create-api-app';
import { createCommandPipeline } from '#infra/commands/command-pipeline';
import type { AppConfig } from '#infra/config/config';
import { createPool } from '#infra/database/database';
import { openOwnerDatabase } from '#infra/database/owner-database';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
import { createLogger } from '#infra/observability/logger';
import { shutdownStep, stopOnSignals } from '#infra/observability/stop-on-signals';
import { startExpiryScheduler } from '#infra/scheduling/request-expiry';

/** `npm start`: PostgreSQL (embedded unless DATABASE_URL), migrations, the projector and the API. */
export async function startService(config: AppConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const database = await openOwnerDatabase(config, (line) => logger.debug({ postgres: line.trim() }), {
    exclusive: true,
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  const owner = createPool(database.ownerUrl, { max: 5 });
  // Ctrl-C reaches the embedded PostgreSQL too; its closing connections must not crash us.
  owner.on('error', (error) => logger.warn({ err: error.message }, 'database connection closed'));
  const projector = startProjector({
    ownerPool: owner,
    log: new PostgresEventLog(owner, { pollIntervalMs: config.projector.pollIntervalMs }),
    batchSize: config.projector.batchSize,
    maxRetries: config.projector.maxRetries,
    logger: logger.child({ app: 'projector' }),
  });
  const expiry = startExpiryScheduler({
    ownerPool: owner,
    pipeline: createCommandPipeline(new PostgresEventLog(owner), owner, config.commands),
    intervalMs: config.requestExpiryIntervalMs,
    logger: logger.child({ app: 'request-expiry' }),
  });
  let app: NestFastifyApplication | undefined;

  const step = shutdownStep(logger);
  const closeAll = async (): Promise<void> => {
    if (app) await step('api', () => app!.close());
    await Promise.all([step('request-expiry', () => expiry.stop()), step('projector', () => projector.stop())]);
    await step('pool', () => owner.end());
    await step('database', () => database.stop());
  };

  try {
    app = await createApiApp({ config, apiDatabaseUrl: database.apiUrl });
    await app.listen(config.port, config.host);
  } catch (error) {
    // A taken PORT, say: the embedded PostgreSQL started for this run must not outlive it.
    await closeAll();
    throw error;
  }
  const url = `http://${config.host}:${config.port}`;
  process.stderr.write(
    [
      '',
      `Vibot Access & Integrations is running at ${url}  (OpenAPI: ${url}/docs)`,
      `Database: ${database.embedded ? `embedded PostgreSQL, data in ${config.dataDir}` : 'DATABASE_URL'}`,
      'Get a token:  npm run cli -- bootstrap --company "Acme" --admin-email admin@acme.test',
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );

  stopOnSignals(logger, closeAll);
}
