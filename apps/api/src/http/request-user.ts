import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '#domain';
import type { AccessClaims } from '#infra/auth/tokens';
import { ProblemError } from './problem';

export type UserActor = Extract<Actor, { kind: 'user' }>;

/** Who is calling: the actor commands carry and the claims RLS reads under. */
export type RequestUser = Readonly<{ actor: UserActor; claims: AccessClaims }>;

export type ApiRequest = FastifyRequest & {
  user?: RequestUser;
  commandId?: string;
  /** Which use of its Idempotency-Key this request is (see IdempotencyStore.reserve). */
  idempotentUse?: string;
  /** Set when an Idempotency-Key is retried after an attempt of unknown outcome, reserved then. */
  recoverSince?: Date;
};

export function requireUser(request: ApiRequest): RequestUser {
  if (!request.user) {
    // Only reachable if a route forgot to be guarded; fail closed.
    throw new ProblemError({ status: 401, code: 'unauthorized', detail: 'Authentication required', headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  return request.user;
}

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): RequestUser =>
  requireUser(context.switchToHttp().getRequest<ApiRequest>()),
);
