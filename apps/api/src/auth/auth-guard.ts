import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidToken } from '../../../../libs/infra/src/auth/tokens';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';
import type { ApiRequest } from '../http/request-user';
import { IS_PUBLIC } from './public';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

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

/**
 * Every route needs a verified bearer token unless marked @Public(). The token says who the
 * caller is, never what they may do: roles come from the event-sourced company state.
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
    const request = context.switchToHttp().getRequest<ApiRequest>();
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
    request.user = {
      claims,
      actor: { kind: 'user', userId: claims.sub.toLowerCase(), companyId: claims.company_id.toLowerCase() },
    };
    return true;
  }
}
