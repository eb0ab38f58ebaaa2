import type { Pool } from 'pg';
import { companyDecider, companyStreamName, type CompanyState } from '../../../libs/domain/src';
import type { AppConfig } from '../../../libs/infra/src/config/config';
import { handleCommand } from '../../../libs/infra/src/commands/handle-command';
import type { PostgresEventLog } from '../../../libs/infra/src/event-log/postgres-event-log';
import { formatPosition } from '../../../libs/infra/src/event-log/position';
import { loadState } from '../../../libs/infra/src/commands/load-state';
import { printResult, required, UsageError } from './cli-output';
import { withDatabase } from './with-database';
import { newCommandContext } from '../../../libs/infra/src/event-log/envelope';

const CLI_ACTOR = { kind: 'service', service: 'vibot-cli' } as const;

async function companyOf(log: PostgresEventLog, owner: Pool, userId: string): Promise<{ companyId: string; state: CompanyState }> {
  const { rows } = await owner.query<{ company_id: string }>(
    `SELECT data ->> 'companyId' AS company_id FROM event_log.events WHERE type = 'UserRegistered' AND data ->> 'userId' = $1 LIMIT 1`,
    [userId],
  );
  const companyId = rows[0]?.company_id;
  if (!companyId) throw new UsageError(`no user ${userId} in the event log`);
  const { state } = await loadState(log, companyDecider, companyStreamName(companyId));
  return { companyId, state };
}

/**
 * `grant|revoke --user <id> --role <code> --reason <text>`: break-glass and bootstrap, outside
 * the approval flow. Recorded like any change, with the operator CLI as actor and the reason.
 */
export async function grantOrRevoke(config: AppConfig, verb: 'grant' | 'revoke', flags: Record<string, string | boolean | undefined>): Promise<void> {
  const userId = required(flags.user as string | undefined, 'user').toLowerCase();
  const code = required(flags.role as string | undefined, 'role');
  const reason = required(flags.reason as string | undefined, 'reason');
  const result = await withDatabase(config, async (owner, log) => {
    const { companyId, state } = await companyOf(log, owner, userId);
    const role = state.status === 'registered' ? [...state.roles.values()].find((r) => r.code === code) : undefined;
    if (!role) throw new UsageError(`no role ${code} in company ${companyId}`);
    const now = new Date().toISOString();
    const type = verb === 'grant' ? 'GrantRole' : 'RevokeRole';
    return handleCommand(log, companyDecider, companyStreamName(companyId), { type, data: { userId, roleId: role.roleId, reason }, metadata: { actor: CLI_ACTOR, now } } as never, newCommandContext(CLI_ACTOR, { companyId }, now));
  });
  const position = result.position ? formatPosition(result.position) : null;
  printResult(flags.json === true, { userId, role: code, action: verb, position }, `${verb === 'grant' ? 'granted' : 'revoked'} ${code} ${verb === 'grant' ? 'to' : 'from'} ${userId} (position ${position})`);
}
