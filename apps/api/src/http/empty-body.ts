import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Observable } from 'rxjs';
import type { ApiRequest } from './request-user';
import { badRequest } from './problem';

/** A route that takes no body refuses one that says anything: nothing sent is silently ignored. */
export function requireEmptyBody(body: unknown): void {
  if (body === undefined || body === null) return;
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : ['body'];
  if (fields.length === 0) return;
  throw badRequest(
    'validation_failed',
    `Invalid request: ${fields.join(', ')}`,
    fields.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
  );
}

/**
 * Applies requireEmptyBody to every handler that declares no @Body(), so a new body-less
 * route (activate, deactivate, DELETE, GET) cannot forget it. Runs after the guards: who may
 * not call the route at all hears that first.
 */
@Injectable()
export class EmptyBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !takesBody(context)) requireEmptyBody(context.switchToHttp().getRequest<ApiRequest>().body);
    return next.handle();
  }
}

function takesBody(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  // Keys are "<paramtype>:<index>"; a body argument is RouteParamtypes.BODY.
  return Object.keys(args).some((key) => Number(key.split(':')[0]) === RouteParamtypes.BODY);
}
