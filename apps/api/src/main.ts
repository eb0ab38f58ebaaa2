import { loadConfig } from '#infra/config/config';
import { apiUrlFor } from '#infra/database/migrate';
import { refuseUnbuiltEventStore } from '#infra/database/owner-database';
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
  // SIGTERM/SIGINT run Nest's shutdown hooks: in-flight requests finish, pools close.
  app.enableShutdownHooks();
  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
