import { randomUUID } from 'node:crypto';
import { companyStreamName, type RegisterCompany } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { AppConfig } from '#infra/config/config';
import { mintToken } from '#infra/auth/tokens';
import { formatPosition } from '#infra/event-log/position';
import { printResult, required } from './cli-output';
import { ttlOf } from './mint-user-token';
import { withDatabase } from './with-database';
import { newCommandContext } from '#infra/event-log/envelope';

const CLI_ACTOR = { kind: 'service', service: 'vibot-cli' } as const;

/** `bootstrap --company <name> --admin-email <email>`: a company, its Vibot.admin role and first admin, as events. */
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
  const result = await withDatabase(config, (_owner, _log, pipeline) =>
    pipeline.run(companies, companyStreamName(companyId), command, newCommandContext(CLI_ACTOR, { companyId }, now)),
  );
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
