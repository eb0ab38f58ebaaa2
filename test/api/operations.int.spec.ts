import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ApiRuntime } from '../../apps/api/src/api-runtime';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { ProblemFilter } from '../../apps/api/src/http/problem-filter';
import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

describe('health', () => {
  it('/health/live answers while the process is up', async () => {
    const answer = await call(world.app, 'GET', '/health/live');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
  });

  it('/health/ready checks the database, the event log and the projector, reporting its lag', async () => {
    await world.settled();
    const answer = await call(world.app, 'GET', '/health/ready');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
    expect(answer.body.details.database.status).toBe('up');
    expect(answer.body.details.eventLog).toMatchObject({ status: 'up', head: expect.stringMatching(/^\d+\/\d+$/) });
    expect(answer.body.details.projector).toMatchObject({ status: 'up', projection: 'company', state: 'running', lag: 0 });
  });

  it('is not ready while the projection is halted', async () => {
    await world.db.owner.query(`UPDATE projection_checkpoints SET status = 'halted', last_error = 'boom' WHERE name = 'company'`);
    try {
      const answer = await call(world.app, 'GET', '/health/ready');
      expect(answer.status).toBe(503);
      expect(answer.body.status).toBe('error');
      expect(answer.body.error.projector).toMatchObject({ status: 'down', state: 'halted', lastError: 'boom' });
    } finally {
      await world.db.owner.query(`UPDATE projection_checkpoints SET status = 'running', last_error = NULL WHERE name = 'company'`);
    }
  });
});

describe('metrics and docs', () => {
  it('/metrics serves Prometheus text with request counts by route pattern', async () => {
    await call(world.app, 'GET', `/v1/roles/${acme.adminRoleId}`, { token: acme.adminToken });
    const answer = await call(world.app, 'GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toMatch(/^text\/plain/);
    expect(answer.body).toContain('http_requests_total');
    expect(answer.body).toMatch(/http_requests_total\{method="GET",route="\/v1\/roles\/:id",status="200"\} \d+/);
    expect(answer.body).toContain('http_request_duration_seconds_bucket');
    expect(answer.body).not.toContain(acme.adminRoleId);
  });

  it('/docs-json is an OpenAPI document listing the API', async () => {
    const answer = await call(world.app, 'GET', '/docs-json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toMatch(/^3\./);
    expect(Object.keys(answer.body.paths)).toEqual(
      expect.arrayContaining(['/v1/roles', '/v1/roles/{id}', '/v1/users', '/v1/audit/streams/{stream}', '/health/ready']),
    );
    expect(answer.body.paths['/v1/roles'].post.requestBody).toBeDefined();
    expect(answer.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await call(world.app, 'GET', '/docs');
    expect(String(ui.headers['content-type'])).toMatch(/^text\/html/);
    expect(ui.body).toContain('swagger-ui');
    expect((await call(world.app, 'GET', '/docs/swagger-ui-bundle.js')).status).toBe(200);
  });
});

describe('logging', () => {
  it('logs requests without the bearer token or cookies', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = await createApiApp({ config: world.config, apiDatabaseUrl: world.db.apiUrl, logger: pino({ level: 'info' }, sink) });
    const { pool } = app.get(ApiRuntime);
    try {
      const answer = await call(app, 'POST', '/v1/roles', {
        token: acme.adminToken,
        body: { code: 'logged', name: 'Top secret name' },
        headers: { cookie: 'session=cookie-secret' },
      });
      expect(answer.status).toBe(201);
    } finally {
      await app.close();
    }
    // Closing the app ends its pool: no connection of its own outlives it.
    expect(pool.ended).toBe(true);
    expect(pool.totalCount).toBe(0);
    const output = lines.join('');
    expect(output).toContain('/v1/roles');
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(acme.adminToken);
    expect(output).not.toContain('cookie-secret');
    expect(output).not.toContain('Top secret name');
  });
});

@Controller('boom')
class BoomController {
  @Get()
  boom(): never {
    throw new Error('connect ECONNREFUSED postgres://owner:hunter2@db.internal:5432');
  }
}

@Module({ controllers: [BoomController] })
class BoomModule {}

describe('unexpected errors', () => {
  it('become a 500 problem that leaks nothing', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(BoomModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    try {
      const answer = await call(app, 'GET', '/boom');
      expect(answer.status).toBe(500);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body).toEqual({
        type: 'urn:vibot:problem:internal_error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred',
        code: 'internal_error',
        instance: '/boom',
      });
    } finally {
      await app.close();
    }
  });
});
