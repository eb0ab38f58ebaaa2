import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process: the API serves it at /metrics, the projector's gauges included. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method and route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const projectionEventsApplied = new Counter({
  name: 'projection_events_applied_total',
  help: 'Events applied by each projection',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const projectionHalted = new Gauge({
  name: 'projection_halted',
  help: '1 when a projection stopped on a failing handler and waits for an operator',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const projectionActive = new Gauge({
  name: 'projection_active',
  help: '1 when this process holds the projection lock (0: standby)',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const projectionRetries = new Counter({
  name: 'projection_retries_total',
  help: 'Batches retried after a handler error',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});
