import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import { parseMinPosition } from '../http/headers';
import type { ApiRequest } from '../http/request-user';
import { ProjectionWaiter } from './projection-waiter';

/** `X-Min-Position` on any GET: answer only once the read models include that position. */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(private readonly waiter: ProjectionWaiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next.handle();
    const position = parseMinPosition(request.headers['x-min-position']);
    if (position === undefined) return next.handle();
    return from(this.waiter.waitFor(position)).pipe(switchMap(() => next.handle()));
  }
}
