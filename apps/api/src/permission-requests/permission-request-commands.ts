import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { companyStreamName, type CompanyState } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { CommandOutcome } from '#infra/commands/command-pipeline';
import { ApiRuntime } from '../api-runtime';
import type { Caller } from '../commands/caller';
import { type CommandAnswer, commandAnswer } from '../commands/command-answer';
import { runCompanyCommand } from '../commands/company-command';

const revisionIn = (state: CompanyState, id: string): bigint | undefined =>
  state.status === 'registered' ? state.requests.get(id)?.revision : undefined;

const answer = (id: string, outcome: CommandOutcome<CompanyState, unknown>): CommandAnswer =>
  commandAnswer(id, revisionIn(outcome.state, id) ?? revisionIn(outcome.before, id) ?? 0n, outcome);

export class RequestPermissionChangeCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly requestId: string,
    readonly change: Readonly<{ targetUserId: string; diff: { grant?: string[]; revoke?: string[] }; reason: string; expiresAt?: string }>,
  ) {
    super();
  }
}

/** Approve or reject; `ifMatch` is the client's If-Match, if it sent one. */
export class DecideRequestCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly requestId: string,
    readonly decision: Readonly<{ type: 'ApproveRequest'; comment: string | null } | { type: 'RejectRequest'; reason: string }>,
    readonly ifMatch: bigint | undefined,
  ) {
    super();
  }
}

export class CancelRequestCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly requestId: string,
  ) {
    super();
  }
}

@CommandHandler(RequestPermissionChangeCommand)
export class RequestPermissionChangeHandler implements ICommandHandler<RequestPermissionChangeCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, requestId, change }: RequestPermissionChangeCommand): Promise<CommandAnswer> {
    const outcome = await runCompanyCommand(this.runtime.pipeline, caller, 'RequestPermissionChange', {
      requestId,
      targetUserId: change.targetUserId,
      grant: change.diff.grant ?? [],
      revoke: change.diff.revoke ?? [],
      reason: change.reason,
      ...(change.expiresAt !== undefined ? { expiresAt: change.expiresAt } : {}),
    });
    return commandAnswer(requestId, revisionIn(outcome.state, requestId) ?? 1n, outcome);
  }
}

/**
 * Without If-Match, a decision is pinned to the request's revision as this HTTP request first
 * saw it, in the event-sourced state (the read model may lag). A command that lost a race is
 * decided again on fresh state, and without the pin the second of two simultaneous approvals of
 * step 1 would silently approve step 2 instead of failing with stale_revision.
 */
@CommandHandler(DecideRequestCommand)
export class DecideRequestHandler implements ICommandHandler<DecideRequestCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, requestId, decision, ifMatch }: DecideRequestCommand): Promise<CommandAnswer> {
    const { pipeline } = this.runtime;
    const seen = ifMatch ?? revisionIn((await pipeline.load(companies, companyStreamName(caller.actor.companyId))).state, requestId);
    const pinned = seen !== undefined ? { expectedRevision: seen } : {};
    const outcome =
      decision.type === 'ApproveRequest'
        ? await runCompanyCommand(pipeline, caller, 'ApproveRequest', { requestId, comment: decision.comment, ...pinned })
        : await runCompanyCommand(pipeline, caller, 'RejectRequest', { requestId, reason: decision.reason, ...pinned });
    return answer(requestId, outcome);
  }
}

// No If-Match: withdrawing one's own request is safe whatever happened to it meanwhile, and a
// request decided in between is refused by the domain (409) when the cancel is decided again.
@CommandHandler(CancelRequestCommand)
export class CancelRequestHandler implements ICommandHandler<CancelRequestCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, requestId }: CancelRequestCommand): Promise<CommandAnswer> {
    return answer(requestId, await runCompanyCommand(this.runtime.pipeline, caller, 'CancelRequest', { requestId }));
  }
}

export const PERMISSION_REQUEST_HANDLERS = [RequestPermissionChangeHandler, DecideRequestHandler, CancelRequestHandler];
