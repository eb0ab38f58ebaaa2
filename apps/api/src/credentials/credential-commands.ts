import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFound } from '#domain';
import { destroyCredentialVersion, readSecretForRuntime, rotateCredential } from '#infra/credentials/credential-service';
import { MAX_SECRET_BYTES, SecretTooLarge } from '#infra/crypto/credential-vault';
import { KeyDestroyed } from '#infra/crypto/key-store';
import { ApiRuntime } from '../api-runtime';
import type { ServiceActor } from '../auth/service-caller';
import type { Caller } from '../commands/caller';
import { type CommandAnswer, commandAnswer } from '../commands/command-answer';
import { ProblemError } from '../http/problem';

/** The command answer, plus the version it is about (its revision, for expectedVersion). */
export type CredentialAnswer = CommandAnswer & Readonly<{ connectorId: string; version: number }>;

/** Vault failures as answers that name the limit, never the secret. */
async function vaulted<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SecretTooLarge) {
      throw new ProblemError({ status: 422, code: 'secret_too_large', detail: `A secret may hold at most ${MAX_SECRET_BYTES} bytes` });
    }
    if (error instanceof KeyDestroyed) throw new NotFound('credential_not_found', 'The credential version was destroyed');
    throw error;
  }
}

export class RotateCredentialCommand extends Command<CredentialAnswer> {
  constructor(
    readonly caller: Caller,
    readonly connectorId: string,
    readonly secret: string | Record<string, unknown>,
    readonly expectedVersion: number | undefined,
  ) {
    super();
  }
}

export class DestroyCredentialVersionCommand extends Command<CredentialAnswer> {
  constructor(
    readonly caller: Caller,
    readonly connectorId: string,
    readonly version: number,
  ) {
    super();
  }
}

/** The connector runtime reads the current secret: recorded as SecretAccessed before it is given. */
export class ReadRuntimeSecretCommand extends Command<{ version: number; secret: string }> {
  constructor(
    readonly caller: Caller<ServiceActor>,
    readonly connectorId: string,
  ) {
    super();
  }
}

@CommandHandler(RotateCredentialCommand)
export class RotateCredentialHandler implements ICommandHandler<RotateCredentialCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, secret, expectedVersion }: RotateCredentialCommand): Promise<CredentialAnswer> {
    const deps = { pipeline: this.runtime.pipeline, keys: this.runtime.keys };
    const outcome = await vaulted(() =>
      rotateCredential(deps, { ...caller, connectorId, secret, ...(expectedVersion !== undefined ? { expectedVersion } : {}) }),
    );
    return { ...commandAnswer(connectorId, outcome.version, outcome), connectorId, version: outcome.version };
  }
}

@CommandHandler(DestroyCredentialVersionCommand)
export class DestroyCredentialVersionHandler implements ICommandHandler<DestroyCredentialVersionCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  async execute({ caller, connectorId, version }: DestroyCredentialVersionCommand): Promise<CredentialAnswer> {
    const deps = { pipeline: this.runtime.pipeline, keys: this.runtime.keys };
    const outcome = await destroyCredentialVersion(deps, { ...caller, connectorId, version });
    return { ...commandAnswer(connectorId, version, outcome), connectorId, version };
  }
}

@CommandHandler(ReadRuntimeSecretCommand)
export class ReadRuntimeSecretHandler implements ICommandHandler<ReadRuntimeSecretCommand> {
  constructor(private readonly runtime: ApiRuntime) {}

  execute({ caller, connectorId }: ReadRuntimeSecretCommand): Promise<{ version: number; secret: string }> {
    const deps = { pipeline: this.runtime.pipeline, keys: this.runtime.keys };
    const { actor, context } = caller;
    return vaulted(() => readSecretForRuntime(deps, { service: actor.service, companyId: actor.companyId, connectorId, purpose: 'sync', context }));
  }
}

export const CREDENTIAL_HANDLERS = [RotateCredentialHandler, DestroyCredentialVersionHandler, ReadRuntimeSecretHandler];
