import { type CompanyCommand, companyStreamName, type CompanyEvent, type CompanyState } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { CommandOutcome, CommandPipeline } from '#infra/commands/command-pipeline';
import type { Caller } from './caller';

type CommandOf<T extends CompanyCommand['type']> = Extract<CompanyCommand, { type: T }>;

/** A company command by the calling user, on the caller's own company stream. */
export function runCompanyCommand<T extends CompanyCommand['type']>(
  pipeline: CommandPipeline,
  caller: Caller,
  type: T,
  data: CommandOf<T>['data'],
): Promise<CommandOutcome<CompanyState, CompanyEvent>> {
  const command = { type, data, metadata: { actor: caller.actor, now: caller.context.now } } as CommandOf<T>;
  return pipeline.execute(companies, companyStreamName(caller.actor.companyId), {
    context: caller.context,
    command: () => command,
    ...(caller.recoverSince !== undefined ? { recoverSince: caller.recoverSince } : {}),
  });
}
