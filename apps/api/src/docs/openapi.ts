import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { completeOpenApi } from './complete-openapi';

// The assets @nestjs/swagger itself depends on; resolved from there so hoisting does not matter.
const UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json', { paths: [require.resolve('@nestjs/swagger')] }));
const UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vibot Access &amp; Integrations API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });`;

/**
 * OpenAPI at /docs-json (and /docs-yaml) through @nestjs/swagger; the UI at /docs is served
 * here from a fixed list of files, because Swagger's own UI route needs @fastify/static.
 */
export function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Vibot Access & Integrations')
    .setDescription('Event-sourced access management: commands append events, queries read RLS-protected read models.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = completeOpenApi(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { ui: false, raw: ['json', 'yaml'] });

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get('/docs/swagger-init.js', (_request, reply) => reply.type('application/javascript; charset=utf-8').send(INIT));
  for (const [file, type] of Object.entries(UI_ASSETS)) {
    fastify.get(`/docs/${file}`, async (_request, reply) => reply.type(type).send(await readFile(join(UI_DIR, file))));
  }
}
