import type { Pool } from 'pg';
import { type CompanyCommand, companyStreamName, type CompanyState } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { CommandPipeline } from '#infra/commands/command-pipeline';
import type { AppConfig } from '#infra/config/config';
import { formatPosition } from '#infra/event-log/position';
import { CLI_ACTOR, CliError, printResult, required } from './cli-output';
import { withDatabase } from './with-database';
import { newCommandContext } from '#infra/event-log/envelope';

async function companyOf(pipeline: CommandPipeline, owner: Pool, userId: string): Promise<{ companyId: string; state: CompanyState }> {
  const { rows } = await owner.query<{ company_id: string }>(
    `SELECT data ->> 'companyId' AS company_id FROM event_log.events WHERE type = 'UserRegistered' AND data ->> 'userId' = $1 LIMIT 1`,
    [userId],
  );
  const companyId = rows[0]?.company_id;
  if (!companyId) throw new CliError(`no user ${userId} in the event log`, 'user_not_found');
  const { state } = await pipeline.load(companies, companyStreamName(companyId));
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
  const result = await withDatabase(config, async (owner, _log, pipeline) => {
    const { companyId, state } = await companyOf(pipeline, owner, userId);
    const role = state.status === 'registered' ? [...state.roles.values()].find((r) => r.code === code) : undefined;
    if (!role) throw new CliError(`no role ${code} in company ${companyId}`, 'role_not_found');
    const now = new Date().toISOString();
    const type = verb === 'grant' ? 'GrantRole' : 'RevokeRole';
    const command = { type, data: { userId, roleId: role.roleId, reason }, metadata: { actor: CLI_ACTOR, now } } as CompanyCommand;
    return pipeline.run(companies, companyStreamName(companyId), command, newCommandContext(CLI_ACTOR, { companyId }, now));
  });
  const position = result.position ? formatPosition(result.position) : null;
  printResult(flags.json === true, { userId, role: code, action: verb, position }, `${verb === 'grant' ? 'granted' : 'revoked'} ${code} ${verb === 'grant' ? 'to' : 'from'} ${userId} (position ${position})`);
}
