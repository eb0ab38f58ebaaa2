import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';

/** The refusal codes a route can answer, by status, beside the ones every route shares. */
export type Refusals = Readonly<Partial<Record<403 | 404 | 409 | 422, readonly string[]>>>;

export type RouteDocInit = Readonly<{
  summary: string;
  description?: string;
  refusals?: Refusals;
  /** The answer carries the revision as ETag (send it back as If-Match). */
  etag?: boolean;
  /** The answer names the created resource in Location. */
  location?: boolean;
}>;

export const ROUTE_DOC = 'x-vibot-route';

/**
 * What a client developer needs to know about one route, beside its handler. The conventions
 * shared by every route (problem+json errors, Idempotency-Key, If-Match, X-Min-Position) are
 * added to the whole document by completeOpenApi, from this and the route's own parameters.
 */
export const RouteDoc = (init: RouteDocInit): MethodDecorator =>
  applyDecorators(
    ApiOperation({ summary: init.summary, ...(init.description ? { description: init.description } : {}) }),
    ApiExtension(ROUTE_DOC, { refusals: init.refusals ?? {}, etag: init.etag ?? false, location: init.location ?? false }),
  );
