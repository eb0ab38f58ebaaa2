import type { AppConfig } from '../config/config';
import { startEmbeddedDatabase } from './embedded-database';
import { apiUrlFor, migrate } from './migrate';

export type OwnerDatabase = Readonly<{
  ownerUrl: string;
  apiUrl: string;
  embedded: boolean;
  stop: () => Promise<void>;
}>;

export type OpenOptions = Readonly<{
  /** The service owns the embedded cluster (see EmbeddedOptions.exclusive); the CLI joins it. */
  exclusive?: boolean;
  notice?: (line: string) => void;
}>;

/**
 * The database the service uses: DATABASE_URL when given, else the embedded PostgreSQL under
 * the data directory (started, or joined when already running). Migrated before use.
 */
export async function openOwnerDatabase(config: AppConfig, log?: (line: string) => void, options: OpenOptions = {}): Promise<OwnerDatabase> {
  refuseUnbuiltEventStore(config);
  let ownerUrl = config.databaseUrl;
  let stop = async (): Promise<void> => undefined;
  if (!ownerUrl) {
    const { loadOrCreateLocalSecrets } = await import('../config/local-secrets');
    const secrets = loadOrCreateLocalSecrets(config.dataDir);
    const embedded = await startEmbeddedDatabase({
      dataDir: config.dataDir,
      port: config.embeddedPort,
      password: secrets.databasePassword,
      log,
      ...options,
    });
    ownerUrl = embedded.url;
    stop = embedded.stop;
  }
  try {
    await migrate(ownerUrl, { apiPassword: config.apiDatabaseUrl ? undefined : config.apiDatabasePassword });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ownerUrl,
    apiUrl: config.apiDatabaseUrl ?? apiUrlFor(ownerUrl, config.apiDatabasePassword),
    embedded: !config.databaseUrl,
    stop,
  };
}

/** The EventStoreDB adapter is not built yet: refuse its setting loudly rather than ignore it. */
export function refuseUnbuiltEventStore(config: AppConfig): void {
  if (config.eventStoreConnectionString) {
    throw new Error('EVENTSTORE_CONNECTION_STRING is set, but this build has only the PostgreSQL event log; unset it');
  }
}
