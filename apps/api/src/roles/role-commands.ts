import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CompanyState, RoleState } from '#domain';
import { ApiRuntime } from '../api-runtime';
import type { Caller } from '../commands/caller';
import { type CommandAnswer, commandAnswer } from '../commands/command-answer';
import { runCompanyCommand } from '../commands/company-command';

const roleIn = (state: CompanyState, id: string): RoleState | undefined =>
  state.status === 'registered' ? state.roles.get(id) : undefined;

export type RoleFields = Readonly<{ name?: string; description?: string | null; scope?: string }>;

export class DefineRoleCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly roleId: string,
    readonly role: RoleFields & { code: string; name: string },
  ) {
    super();
  }
}

export class UpdateRoleCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly roleId: string,
    readonly changes: RoleFields,
    readonly expectedRevision: bigint,
  ) {
    super();
  }
}

export class DeleteRoleCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly roleId: string,
    readonly expectedRevision: bigint | undefined,
  ) {
    super();
  }
}

@CommandHandler(DefineRoleCommand)
export class DefineRoleHandler implements ICommandHandler<DefineRoleCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, roleId, role }: DefineRoleCommand): Promise<CommandAnswer> {
    const outcome = await runCompanyCommand(this.runtime.pipeline, caller, 'DefineRole', {
      roleId,
      code: role.code,
      name: role.name,
      description: role.description ?? null,
      ...(role.scope !== undefined ? { scope: role.scope } : {}),
      maxProjectScopedRoles: this.runtime.config.maxProjectScopedRoles,
    });
    return commandAnswer(roleId, roleIn(outcome.state, roleId)?.revision ?? 1n, outcome);
  }
}

@CommandHandler(UpdateRoleCommand)
export class UpdateRoleHandler implements ICommandHandler<UpdateRoleCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, roleId, changes, expectedRevision }: UpdateRoleCommand): Promise<CommandAnswer> {
    const outcome = await runCompanyCommand(this.runtime.pipeline, caller, 'UpdateRole', {
      roleId,
      ...changes,
      expectedRevision,
      maxProjectScopedRoles: this.runtime.config.maxProjectScopedRoles,
    });
    return commandAnswer(roleId, roleIn(outcome.state, roleId)?.revision ?? expectedRevision, outcome);
  }
}

@CommandHandler(DeleteRoleCommand)
export class DeleteRoleHandler implements ICommandHandler<DeleteRoleCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, roleId, expectedRevision }: DeleteRoleCommand): Promise<CommandAnswer> {
    const outcome = await runCompanyCommand(this.runtime.pipeline, caller, 'DeleteRole', {
      roleId,
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    // The revision that was deleted: the role itself no longer has one.
    return commandAnswer(roleId, roleIn(outcome.before, roleId)?.revision ?? 0n, outcome);
  }
}

export const ROLE_HANDLERS = [DefineRoleHandler, UpdateRoleHandler, DeleteRoleHandler];
