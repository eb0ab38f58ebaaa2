import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DomainError, type DomainErrorKind, isDomainError } from '#domain';
import { WrongExpectedVersion } from '#infra/event-log/event-log';
import { databaseUnavailable } from './database-unavailable';
import { type FieldError, ProblemError, type ProblemInit, sendProblem } from './problem';

const STATUS_BY_KIND: Readonly<Record<DomainErrorKind, number>> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  invalid_transition: 409,
  invalid: 422,
};

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

// What a 413 or 415 from the framework is about, named like every other refusal.
const FIELD_BY_STATUS: Readonly<Record<number, FieldError>> = {
  413: { field: 'body', messages: ['the body must be at most 1 MiB'] },
  415: { field: 'Content-Type', messages: ['must be application/json (UTF-8)'] },
};

function fromDomain(error: DomainError): ProblemInit {
  const currentRevision = 'currentRevision' in error ? (error.currentRevision as bigint | undefined) : undefined;
  return {
    status: STATUS_BY_KIND[error.kind],
    code: error.code,
    detail: error.message,
    ...(error.details ? { details: error.details } : {}),
    ...(currentRevision !== undefined ? { currentRevision } : {}),
  };
}

function fromHttpException(error: HttpException): ProblemInit | undefined {
  const status = error.getStatus();
  if (status >= 500) return undefined;
  const response = error.getResponse();
  const message =
    typeof response === 'string' ? response : (response as { message?: unknown }).message ?? error.message;
  const field = FIELD_BY_STATUS[status];
  return {
    status,
    code: CODE_BY_STATUS[status] ?? 'client_error',
    detail: Array.isArray(message) ? message.join('; ') : String(message),
    ...(field ? { errors: [field] } : {}),
  };
}

const INTERNAL: ProblemInit = { status: 500, code: 'internal_error', detail: 'An unexpected error occurred' };

/**
 * The one place where failures become HTTP answers: domain error kinds map to their status,
 * everything unrecognised becomes a 500 that reveals nothing about the cause.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const instance = request.url?.split('?')[0];
    sendProblem(reply, this.toProblem(exception, request), instance);
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemInit {
    if (exception instanceof ProblemError) return exception.problem;
    if (isDomainError(exception)) return fromDomain(exception);
    if (exception instanceof WrongExpectedVersion) {
      // handleCommand retries concurrent writers; reaching here means it kept losing.
      return { status: 409, code: 'concurrency_conflict', detail: 'The resource changed concurrently; retry' };
    }
    if (exception instanceof HttpException) {
      const problem = fromHttpException(exception);
      if (problem) return problem;
    }
    const unavailable = databaseUnavailable(exception);
    if (unavailable) return unavailable;
    this.logger.error(
      { err: exception, method: request.method, url: request.url?.split('?')[0] },
      'unhandled error while serving a request',
    );
    return INTERNAL;
  }
}
