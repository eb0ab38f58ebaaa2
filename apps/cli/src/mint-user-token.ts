import type { AppConfig } from '#infra/config/config';
import { mintServiceToken, mintToken, SERVICE_SCOPES, type ServiceScope } from '#infra/auth/tokens';
import { CliError, printResult, required, UsageError } from './cli-output';
import { withDatabase } from './with-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The longest a token the CLI mints may live: longer-lived credentials belong to an identity provider. */
export const MAX_TTL_DAYS = 30;
const SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function ttlOf(flags: Record<string, string | boolean | undefined>, fallback = '1h'): string {
  const ttl = (flags.ttl as string | undefined) ?? fallback;
  const match = /^(\d{1,7})\s*([smhd])$/.exec(ttl);
  if (!match) throw new UsageError('--ttl must look like 30m, 1h or 7d');
  const seconds = Number(match[1]) * SECONDS[match[2]!]!;
  if (seconds < 1 || seconds > MAX_TTL_DAYS * 86_400) throw new UsageError(`--ttl must be between 1s and ${MAX_TTL_DAYS}d`);
  return ttl;
}

/** `token --service connector-runtime --company <id> [--ttl 1h]`: a service token for one company. */
async function mintServiceTokenFor(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const service = flags.service as string;
  if (!(SERVICE_SCOPES as readonly string[]).includes(service)) {
    throw new UsageError(`--service must be one of: ${SERVICE_SCOPES.join(', ')}`);
  }
  if (flags.user !== undefined) throw new UsageError('--service and --user are exclusive');
  const companyId = required(flags.company as string | undefined, 'company').toLowerCase();
  if (!UUID.test(companyId)) throw new UsageError('--company must be a company id (uuid)');
  const ttl = ttlOf(flags);
  const token = await mintServiceToken(config.jwt, { service: service as ServiceScope, companyId }, ttl);
  printResult(flags.json === true, { token, service, companyId }, token);
}

/** `token --user <id> [--ttl 1h]`: the user is looked up in the log, so it works before any projection. */
export async function mintUserToken(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  if (flags.service !== undefined) return mintServiceTokenFor(config, flags);
  const userId = required(flags.user as string | undefined, 'user').toLowerCase();
  if (!UUID.test(userId)) throw new UsageError('--user must be a user id (uuid)');
  const ttl = ttlOf(flags);
  const companyId = await withDatabase(config, async (owner) => {
    const { rows } = await owner.query<{ company_id: string }>(
      `SELECT data ->> 'companyId' AS company_id FROM event_log.events
        WHERE type = 'UserRegistered' AND data ->> 'userId' = $1 ORDER BY global_position LIMIT 1`,
      [userId],
    );
    return rows[0]?.company_id;
  });
  if (!companyId) throw new CliError(`no user ${userId} in the event log`, 'user_not_found');
  const token = await mintToken(config.jwt, { userId, companyId }, ttl);
  printResult(flags.json === true, { token, userId, companyId }, token);
}
