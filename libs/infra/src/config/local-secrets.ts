import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets the embedded default generates once and keeps under the data directory (0600),
 * so that tokens and the database password survive restarts without any configuration.
 */
export type LocalSecrets = Readonly<{
  databasePassword: string;
  apiDatabasePassword: string;
  jwtSecret: string;
}>;

export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    databasePassword: randomBytes(18).toString('base64url'),
    apiDatabasePassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(48).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/**
 * The master key that wraps every company key (32 random bytes, base64, in `master.key`, 0600).
 * Losing it loses every stored secret; configure MASTER_KEY in production instead.
 */
export function loadOrCreateMasterKey(dataDir: string): Buffer {
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
