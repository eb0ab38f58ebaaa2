import type { AppConfig } from '#infra/config/config';
import { loadOrCreateLocalSecrets } from '#infra/config/local-secrets';
import { printResult } from './cli-output';

/** `db-url`: the owner connection string of the database the service uses (for psql and SQL tools). */
export function printDatabaseUrl(config: AppConfig, flags: Record<string, string | boolean | undefined>): void {
  const url =
    config.databaseUrl ??
    `postgresql://postgres:${encodeURIComponent(loadOrCreateLocalSecrets(config.dataDir).databasePassword)}@127.0.0.1:${config.embeddedPort}/vibot`;
  printResult(flags.json === true, { url }, url);
}
