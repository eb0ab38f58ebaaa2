import { loadConfig } from '#infra/config/config';
import { apiUrlFor } from '#infra/database/migrate';
import { refuseUnbuiltEventStore } from '#infra/database/owner-database';
import { createLogger } from '#infra/observability/logger';
import { stopOnSignals } from '#infra/observability/stop-on-signals';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  refuseUnbuiltEventStore(config);
  const apiDatabaseUrl =
    config.apiDatabaseUrl ?? (config.databaseUrl ? apiUrlFor(config.databaseUrl, config.apiDatabasePassword) : undefined);
  if (apiDatabaseUrl === undefined) {
    throw new Error('Set API_DATABASE_URL, or DATABASE_URL (and API_DATABASE_PASSWORD) to derive it');
  }
  const app = await createApiApp({ config, apiDatabaseUrl });
  // In-flight requests finish and pools close, within SHUTDOWN_MS even with the database gone.
  stopOnSignals(createLogger({ level: config.logLevel, format: config.logFormat }, { base: { app: 'api' } }), async () => void (await app.close()));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
