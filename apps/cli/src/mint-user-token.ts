import type { AppConfig } from '../../../libs/infra/src/config/config';
import { mintToken } from '../../../libs/infra/src/auth/tokens';
import { printResult, required, UsageError } from './cli-output';
import { withDatabase } from './with-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `token --user <id> [--ttl 1h]`: the user is looked up in the log, so it works before any projection. */
export async function mintUserToken(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const userId = required(flags.user as string | undefined, 'user').toLowerCase();
  if (!UUID.test(userId)) throw new UsageError('--user must be a user id (uuid)');
  const ttl = (flags.ttl as string | undefined) ?? '1h';
  if (!/^\d+\s*[smhd]$/.test(ttl)) throw new UsageError('--ttl must look like 30m, 1h or 7d');
  const companyId = await withDatabase(config, async (owner) => {
    const { rows } = await owner.query<{ company_id: string }>(
      `SELECT data ->> 'companyId' AS company_id FROM event_log.events
        WHERE type = 'UserRegistered' AND data ->> 'userId' = $1 ORDER BY global_position LIMIT 1`,
      [userId],
    );
    return rows[0]?.company_id;
  });
  if (!companyId) throw new UsageError(`no user ${userId} in the event log`);
  const token = await mintToken(config.jwt, { userId, companyId }, ttl);
  printResult(flags.json === true, { token, userId, companyId }, token);
}
