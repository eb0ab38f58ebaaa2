import type { FastifyInstance } from 'fastify';
import { httpDuration, httpRequests } from '#infra/observability/metrics';

/**
 * Counts every answer, including 401s, 404s and parser errors that never reach a controller.
 * Labelled by route pattern, not URL, so ids do not explode the number of series.
 */
export function recordHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    httpRequests.inc({ method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
    done();
  });
}
