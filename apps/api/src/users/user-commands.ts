import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiRuntime } from '../api-runtime';
import type { Caller } from '../commands/caller';
import { type CommandAnswer, commandAnswer } from '../commands/command-answer';
import { runCompanyCommand } from '../commands/company-command';

// Users have no edits yet: their registration is their one and only revision.
const USER_REVISION = 1n;

export class RegisterUserCommand extends Command<CommandAnswer> {
  constructor(
    readonly caller: Caller,
    readonly userId: string,
    readonly user: Readonly<{ email: string; displayName?: string | null }>,
  ) {
    super();
  }
}

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, userId, user }: RegisterUserCommand): Promise<CommandAnswer> {
    const outcome = await runCompanyCommand(this.runtime.pipeline, caller, 'RegisterUser', {
      userId,
      email: user.email,
      displayName: user.displayName ?? null,
    });
    return commandAnswer(userId, USER_REVISION, outcome);
  }
}
