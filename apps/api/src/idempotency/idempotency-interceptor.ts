import { type CallHandler, type ExecutionContext, HttpException, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { catchError, concatMap, from, type Observable, of, switchMap, throwError } from 'rxjs';
import { isDomainError } from '#domain';
import { WrongExpectedVersion } from '#infra/event-log/event-log';
import { parseIdempotencyKey } from '../http/headers';
import { ProblemError } from '../http/problem';
import type { ApiRequest } from '../http/request-user';
import { ApiRuntime } from '../api-runtime';
import { IdempotencyStore } from './idempotency-store';
import { requestFingerprint, SECRET_FIELDS } from './request-fingerprint';

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Headers that are part of the answer itself and must come back on a replay.
const REPLAYED_HEADERS = ['etag', 'location'] as const;

/** Errors that prove nothing was appended: the request was refused before or by the decision. */
function isRefusal(error: unknown): boolean {
  if (isDomainError(error) || error instanceof WrongExpectedVersion) return true;
  if (error instanceof ProblemError) return error.problem.status < 500;
  return error instanceof HttpException && error.getStatus() < 500;
}

/**
 * Idempotency-Key on commands: the first 2xx answer is stored and sent again for the same key
 * and request; refusals release the key, and any other failure keeps it for a retry that first
 * looks for what the failed attempt appended. Runs after the auth guard, so keys are per user.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly runtime: ApiRuntime,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    if (!COMMAND_METHODS.has(request.method) || request.user === undefined) return next.handle();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const { userId, companyId } = request.user.actor;
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);

    const secretFields = this.reflector.get<string[] | undefined>(SECRET_FIELDS, context.getHandler()) ?? [];
    const fingerprint = requestFingerprint(
      this.runtime.fingerprintKey,
      { method: request.method, path: request.url.split('?')[0]!, body: request.body },
      secretFields,
    );
    return from(this.store.reserve({ userId, companyId }, key, fingerprint)).pipe(
      switchMap((reservation) => {
        if (reservation.kind === 'replay') {
          for (const [name, value] of Object.entries(reservation.answer.headers)) reply.header(name, value);
          reply.header('Idempotent-Replayed', 'true').status(reservation.status);
          return of(reservation.answer.body);
        }
        request.idempotentUse = reservation.use;
        if (reservation.recoverSince !== undefined) request.recoverSince = reservation.recoverSince;
        return next.handle().pipe(
          concatMap(async (body: unknown) => {
            const headers: Record<string, string> = {};
            for (const name of REPLAYED_HEADERS) {
              const value = reply.getHeader(name);
              if (value !== undefined) headers[name] = String(value);
            }
            await this.store.complete(userId, key, status, { body, headers });
            return body;
          }),
          catchError((error: unknown) =>
            from(isRefusal(error) ? this.store.release(userId, key) : this.store.abandon(userId, key)).pipe(
              concatMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }
}
