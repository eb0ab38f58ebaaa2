import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { tokenVerifier } from '#infra/auth/tokens';
import { createCommandPipeline } from '#infra/commands/command-pipeline';
import type { AppConfig } from '#infra/config/config';
import { createDb, createPool } from '#infra/database/database';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { ApiModule } from './api-module';
import { ApiRuntime } from './api-runtime';
import { setUpOpenApi } from './docs/openapi';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors';
import { createLogger } from '#infra/observability/logger';
import { NestLogs } from './http/nest-logs';
import { ProblemFilter } from './http/problem-filter';
import { parseJsonBody, requireUtf8 } from './http/json-body';
import { createValidationPipe } from './http/validation';
import { recordHttpMetrics } from './metrics/http-metrics';

export type ApiAppOptions = Readonly<{
  config: AppConfig;
  /** The API's own login (vibot_api): never the owner, a superuser or BYPASSRLS. */
  apiDatabaseUrl: string;
  /** false: silent (tests). A pino logger: logs go there. Default: pino at config.logLevel. */
  logger?: false | Logger;
}>;

// Credentials must never reach a log line, whoever configured the logger.
const REDACT = {
  paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  censor: '[redacted]',
};

function rootLogger(option: ApiAppOptions['logger'], config: AppConfig): Logger {
  if (option === false) return pino({ level: 'silent' });
  if (option !== undefined) return option.child({}, { redact: REDACT });
  return createLogger({ level: config.logLevel, format: config.logFormat }, { redact: REDACT }).child({ service: 'vibot-api' });
}

/**
 * Builds the whole HTTP API from explicit inputs, initialised but not listening: tests call
 * app.inject() or listen on port 0; main.ts listens on the configured host and port.
 */
export async function createApiApp(options: ApiAppOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const verifyToken = tokenVerifier(config.jwt);
  const logger = rootLogger(options.logger, config);
  const pool = createPool(options.apiDatabaseUrl, { application_name: 'vibot-api' });
  // An idle client dropped by the server must not crash the process; the next query reconnects.
  // While the pool ends, its clients are still closing: a server stopping then is expected.
  pool.on('error', (error) => {
    if (!pool.ending) logger.warn({ err: error }, 'idle database connection failed');
  });
  const eventLog = new PostgresEventLog(pool);
  const pipeline = createCommandPipeline(eventLog, pool, {
    ...config.commands,
    onSnapshotError: (error, stream) => logger.warn({ err: (error as Error).message, stream }, 'snapshot not written'),
  });
  const runtime = new ApiRuntime(config, pool, createDb(pool), eventLog, verifyToken, pipeline);
  const logging = options.logger !== false;
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      ApiModule.forRoot(runtime, logger, logging),
      new FastifyAdapter({ bodyLimit: 1024 * 1024, frameworkErrors, clientErrorHandler }),
      // Fastify's own JSON parser only: the API speaks JSON, so forms and text are 415, not
      // bodies that happen to validate.
      { logger: logging ? undefined : false, bufferLogs: logging, abortOnError: false, bodyParser: false },
    );
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    fastify.removeContentTypeParser(['text/plain', 'application/json']);
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      try {
        requireUtf8(request.headers['content-type']);
        done(null, parseJsonBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    if (logging) app.useLogger(new NestLogs(logger));
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemFilter());
    recordHttpMetrics(fastify);
    setUpOpenApi(app);
    await app.init();
    return app;
  } catch (error) {
    await runtime.onApplicationShutdown();
    throw error;
  }
}
