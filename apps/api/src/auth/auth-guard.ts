import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { companyStreamName, isMember } from '#domain';
import { InvalidToken, isServiceClaims, type ServiceScope } from '#infra/auth/tokens';
import { companies } from '#infra/commands/aggregates';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';
import { IS_PUBLIC } from './public';
import { SERVICE_ROUTE, type ServiceRequest } from './service-caller';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function unauthorized(detail: string, invalidToken: boolean): ProblemError {
  // RFC 6750: name the error only when a token was actually presented.
  const challenge = invalidToken ? 'Bearer error="invalid_token"' : 'Bearer';
  return new ProblemError({
    status: 401,
    code: invalidToken ? 'invalid_token' : 'unauthorized',
    detail,
    headers: { 'WWW-Authenticate': challenge },
  });
}

const forbidden = (detail: string, code = 'wrong_token_kind'): ProblemError => new ProblemError({ status: 403, code, detail });

/**
 * Every route needs a verified bearer token unless marked @Public(). The token says who the
 * caller is, never what they may do: roles come from the event-sourced company state. Service
 * tokens open only routes marked @ServiceRoute() for that service, and user tokens never do.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly runtime: ApiRuntime,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<ServiceRequest>();
    const header = request.headers.authorization;
    if (header === undefined || header === '') throw unauthorized('A bearer token is required', false);
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"', true);
    let claims;
    try {
      claims = await this.runtime.verifyToken(match[1]!);
    } catch (error) {
      // The reason stays in the server: it would tell an attacker which check to work around.
      if (error instanceof InvalidToken) throw unauthorized('The bearer token is invalid or expired', true);
      throw error;
    }
    const service = this.reflector.getAllAndOverride<ServiceScope | undefined>(SERVICE_ROUTE, [context.getHandler(), context.getClass()]);
    if (isServiceClaims(claims)) {
      // Service tokens open their own routes only: user routes read through RLS as a person.
      if (service === undefined || claims.scope !== service) throw forbidden('User routes do not accept service tokens');
      request.service = { claims, actor: { kind: 'service', service: claims.scope, companyId: claims.company_id.toLowerCase() } };
      return true;
    }
    if (service !== undefined) throw forbidden(`Only the ${service} service may call this route`);
    const actor = { kind: 'user', userId: claims.sub.toLowerCase(), companyId: claims.company_id.toLowerCase() } as const;
    // Reads load the company stream afresh. A command may start from this process's cached
    // state: its decision is appended at the exact revision it saw, and decided again on the
    // caught-up state if anyone else wrote since, so a stale membership can never act.
    const stream = companyStreamName(actor.companyId);
    const company = COMMAND_METHODS.has(request.method)
      ? await this.runtime.pipeline.latest(companies, stream)
      : await this.runtime.pipeline.load(companies, stream);
    if (!isMember(company.state, actor.companyId, actor.userId)) {
      throw forbidden('The token is not for a user of the company it names', 'not_a_member');
    }
    request.user = { claims, actor };
    return true;
  }
}
