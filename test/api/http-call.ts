import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export type Answer = Readonly<{ status: number; headers: Record<string, string | string[] | number | undefined>; body: any }>;

export type CallOptions = Readonly<{ token?: string; body?: unknown; headers?: Record<string, string> }>;

/** Real HTTP through Fastify's injector: routing, hooks, guards, pipes and filters all run. */
export async function call(app: NestFastifyApplication, method: string, url: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  const body = type.includes('json') && response.body !== '' ? JSON.parse(response.body) : response.body;
  return { status: response.statusCode, headers: response.headers, body };
}
