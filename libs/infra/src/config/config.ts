import { isAbsolute, join } from 'node:path';
import type { LogFormat } from '../observability/logger';
import { loadOrCreateLocalSecrets, loadOrCreateMasterKey } from './local-secrets';
import { projectRoot } from './project-root';

export type AppConfig = Readonly<{
  /** Owner connection (migrations, projector). Undefined: the embedded PostgreSQL is used. */
  databaseUrl: string | undefined;
  /** The API's own login (never owner, superuser or BYPASSRLS). Derived when not given. */
  apiDatabaseUrl: string | undefined;
  apiDatabasePassword: string;
  dataDir: string;
  embeddedPort: number;
  host: string;
  port: number;
  jwt: Readonly<{
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string;
    audience: string;
    algorithms: readonly string[];
  }>;
  maxProjectScopedRoles: number;
  logLevel: string;
  /** LOG_FORMAT: json, pretty, or auto (pretty on a terminal, JSON otherwise). */
  logFormat: LogFormat;
  projector: Readonly<{ batchSize: number; pollIntervalMs: number; maxRetries: number }>;
  minPositionWaitMs: number;
  /** The command pipeline: streams cached per process, re-decide budget, snapshot pacing. */
  commands: Readonly<{ cacheSize: number; retryMs: number; snapshotEvery: number }>;
  /** An Idempotency-Key reservation older than this belongs to an attempt that died. */
  idempotencyInFlightMs: number;
  /** An Idempotency-Key is remembered this long after its first use, then forgotten and swept. */
  idempotencyKeyTtlSeconds: number;
  requestExpiryIntervalMs: number;
  /** Wraps the per-company keys of credential secrets: MASTER_KEY, else .data/master.key. */
  masterKey: () => Buffer;
  eventStoreConnectionString: string | undefined;
}>;

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number.parseInt(raw, 10);
}

function logFormatOf(raw: string | undefined): LogFormat {
  if (raw === undefined || raw === '') return 'auto';
  if (raw === 'json' || raw === 'pretty' || raw === 'auto') return raw;
  throw new Error(`LOG_FORMAT must be json, pretty or auto, got "${raw}"`);
}

/** Reads configuration from the environment; see the README's configuration table. */
export function loadConfig(env: Env = process.env): AppConfig {
  const root = projectRoot();
  const dataDirRaw = env.DATA_DIR ?? '.data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : join(root, dataDirRaw);
  const databaseUrl = env.DATABASE_URL || undefined;
  const needsLocalSecrets = !databaseUrl || !env.JWT_SECRET || !env.API_DATABASE_PASSWORD;
  const local = needsLocalSecrets && !env.JWKS_URL ? loadOrCreateLocalSecrets(dataDir) : undefined;
  const algorithms = (env.JWT_ALGORITHMS ?? (env.JWKS_URL ? 'RS256,ES256' : 'HS256'))
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '' && a.toLowerCase() !== 'none');
  return {
    databaseUrl,
    apiDatabaseUrl: env.API_DATABASE_URL || undefined,
    apiDatabasePassword: env.API_DATABASE_PASSWORD ?? local?.apiDatabasePassword ?? '',
    dataDir,
    embeddedPort: integer(env, 'EMBEDDED_PG_PORT', 54329),
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    jwt: {
      secret: env.JWT_SECRET ?? (env.JWKS_URL ? undefined : local?.jwtSecret),
      jwksUrl: env.JWKS_URL || undefined,
      issuer: env.JWT_ISSUER ?? 'vibot-access',
      audience: env.JWT_AUDIENCE ?? 'authenticated',
      algorithms,
    },
    maxProjectScopedRoles: integer(env, 'MAX_PROJECT_SCOPED_ROLES', 20),
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: logFormatOf(env.LOG_FORMAT),
    projector: {
      batchSize: integer(env, 'PROJECTOR_BATCH_SIZE', 500),
      pollIntervalMs: integer(env, 'EVENT_LOG_POLL_MS', 1000),
      maxRetries: integer(env, 'PROJECTOR_MAX_RETRIES', 5),
    },
    minPositionWaitMs: integer(env, 'MIN_POSITION_WAIT_MS', 5000),
    commands: {
      cacheSize: integer(env, 'COMMAND_CACHE_STREAMS', 10_000),
      retryMs: integer(env, 'COMMAND_RETRY_MS', 5000),
      snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 100),
    },
    idempotencyInFlightMs: integer(env, 'IDEMPOTENCY_IN_FLIGHT_MS', 60_000),
    idempotencyKeyTtlSeconds: integer(env, 'IDEMPOTENCY_KEY_TTL_SECONDS', 86_400),
    requestExpiryIntervalMs: integer(env, 'REQUEST_EXPIRY_INTERVAL_MS', 30_000),
    // Read when needed, so that commands which never touch secrets never create the key file.
    masterKey: () => {
      const key = env.MASTER_KEY ? Buffer.from(env.MASTER_KEY, 'base64') : loadOrCreateMasterKey(dataDir);
      if (key.length !== 32) throw new Error('MASTER_KEY must be 32 bytes, base64-encoded');
      return key;
    },
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
  };
}
