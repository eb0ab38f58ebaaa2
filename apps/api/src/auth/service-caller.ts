import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { ServiceClaims, ServiceScope } from '#infra/auth/tokens';
import { ProblemError } from '../http/problem';
import type { ApiRequest } from '../http/request-user';

export const SERVICE_ROUTE = 'vibot:service-route';

/** The actor a service token stands for: one service, acting for one company. */
export type ServiceActor = Readonly<{ kind: 'service'; service: ServiceScope; companyId: string }>;

export type RequestService = Readonly<{ actor: ServiceActor; claims: ServiceClaims }>;

/** A request the guard let through with a service token (request.user stays unset). */
export type ServiceRequest = ApiRequest & { service?: RequestService };

/**
 * Marks a route as served to one service only: its token is required and user tokens (admins
 * included) are refused. Every route without it is a user route, which refuses service tokens.
 */
export const ServiceRoute = (service: ServiceScope): MethodDecorator =>
  // Said in the OpenAPI document too (x-vibot-service): a client needs that service's token.
  applyDecorators(SetMetadata(SERVICE_ROUTE, service), ApiExtension('x-vibot-service', service));

export function requireService(request: ServiceRequest): RequestService {
  if (!request.service) {
    // Only reachable if a route forgot @ServiceRoute(); fail closed.
    throw new ProblemError({ status: 403, code: 'service_only', detail: 'This route is for services only' });
  }
  return request.service;
}

export const CurrentService = createParamDecorator((_: unknown, context: ExecutionContext): RequestService =>
  requireService(context.switchToHttp().getRequest<ServiceRequest>()),
);
