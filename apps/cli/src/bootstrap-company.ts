import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { companyStreamName, type RegisterCompany } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { AppConfig } from '#infra/config/config';
import { mintToken } from '#infra/auth/tokens';
import { formatPosition } from '#infra/event-log/position';
import { CLI_ACTOR, CliError, printResult, required } from './cli-output';
import { ttlOf } from './mint-user-token';
import { withDatabase } from './with-database';
import { newCommandContext } from '#infra/event-log/envelope';

// Any constant both bootstraps agree on: two at once must not both find no duplicate.
const BOOTSTRAP_LOCK = 0x76_62_6f_74;

/**
 * A company registered under this name (trimmed, any case) with this first admin, from the log
 * itself: the read table lags (nobody projects while only the CLI runs). It reads one row per
 * company stream and two of its events by (stream, revision), never the whole log: the
 * registration batch puts CompanyRegistered at revision 0 and the admin's UserRegistered at 2.
 */
async function existingCompany(owner: Pool, name: string, adminEmail: string): Promise<string | undefined> {
  const { rows } = await owner.query<{ company_id: string }>(
    `SELECT c.data ->> 'companyId' AS company_id
       FROM event_log.streams s
       JOIN event_log.events c ON c.stream_id = s.stream_id AND c.stream_revision = 0 AND c.type = 'CompanyRegistered'
       JOIN event_log.events u ON u.stream_id = s.stream_id AND u.stream_revision = 2 AND u.type = 'UserRegistered'
      WHERE s.stream_id LIKE 'company-%'
        AND lower(btrim(c.data ->> 'name')) = lower(btrim($1))
        AND lower(btrim(u.data ->> 'email')) = lower(btrim($2))
      LIMIT 1`,
    [name, adminEmail],
  );
  return rows[0]?.company_id;
}

/**
 * `bootstrap --company <name> --admin-email <email> [--allow-duplicate]`: a company, its
 * Vibot.admin role and first admin, as events. Run twice by mistake (a retried script), it would
 * make a second company nobody can tell from the first, so that needs --allow-duplicate.
 */
export async function bootstrapCompany(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const name = required(flags.company as string | undefined, 'company');
  const adminEmail = required(flags['admin-email'] as string | undefined, 'admin-email');
  // Checked before anything is written: a refused --ttl must not leave a company behind.
  const ttl = ttlOf(flags, '12h');
  const companyId = randomUUID();
  const adminUserId = randomUUID();
  const now = new Date().toISOString();
  const command: RegisterCompany = {
    type: 'RegisterCompany',
    data: { companyId, name, adminUserId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail, adminDisplayName: null },
    metadata: { actor: CLI_ACTOR, now },
  };
  const result = await withDatabase(config, async (owner, _log, pipeline) => {
    // A session lock around the check and the append, released whatever happens.
    const lock = await owner.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
      const existing = flags['allow-duplicate'] === true ? undefined : await existingCompany(owner, name, adminEmail);
      if (existing !== undefined) {
        throw new CliError(
          `company ${JSON.stringify(name.trim())} with admin ${adminEmail.trim().toLowerCase()} exists already (${existing}); pass --allow-duplicate to create another`,
          'duplicate_company',
        );
      }
      return await pipeline.run(companies, companyStreamName(companyId), command, newCommandContext(CLI_ACTOR, { companyId }, now));
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
      lock.release();
    }
  });
  const token = await mintToken(config.jwt, { userId: adminUserId, companyId }, ttl);
  printResult(
    flags.json === true,
    { companyId, adminUserId, token },
    [
      `company    ${companyId}  (${name})`,
      `admin      ${adminUserId}  (${adminEmail})`,
      `position   ${result.position ? formatPosition(result.position) : '-'}`,
      `token      ${token}`,
    ].join('\n'),
  );
}
