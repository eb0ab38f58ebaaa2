import type { CommandContext } from '#infra/event-log/envelope';
import { newCommandContext } from '#infra/event-log/envelope';
import type { RequestService, ServiceActor } from '../auth/service-caller';
import { type ApiRequest, requireUser, type UserActor } from '../http/request-user';
import { commandIdOf, correlationIdOf } from './command-identity';

/**
 * Who sends a command, and its identity in the log: what every command class carries from the
 * controller to its handler. `recoverSince` is set when an Idempotency-Key is retried after an
 * attempt whose outcome is unknown (it died, or failed between append and answer).
 */
export type Caller<Actor = UserActor> = Readonly<{ actor: Actor; context: CommandContext; recoverSince?: Date }>;

export function callerOf(request: ApiRequest): Caller {
  const { actor } = requireUser(request);
  return {
    actor,
    context: {
      commandId: commandIdOf(request),
      correlationId: correlationIdOf(request),
      actor,
      now: new Date().toISOString(),
      tenant: { companyId: actor.companyId },
    },
    ...(request.recoverSince !== undefined ? { recoverSince: request.recoverSince } : {}),
  };
}

/** A service (the connector runtime) acting for one company; its commands start their own story. */
export function serviceCallerOf(service: RequestService): Caller<ServiceActor> {
  const { actor } = service;
  return { actor, context: newCommandContext({ kind: 'service', service: actor.service }, { companyId: actor.companyId }) };
}
