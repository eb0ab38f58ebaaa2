import type { NestFastifyApplication } from '@nestjs/platform-fastify';

// The API's own OpenAPI document, read the way the generated suites need it: every operation
// with its parameters, answers, and the smallest body its schema accepts.
export type Schema = Readonly<{ type?: string; format?: string; required?: string[]; properties?: Record<string, Schema>; $ref?: string }>;
export type Parameter = Readonly<{ in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema }>;
export type DocumentedResponse = Readonly<{ description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: Schema }> }>;
export type DocumentedOperation = Readonly<{
  route: string;
  method: string;
  path: string;
  summary?: string;
  parameters: readonly Parameter[];
  responses: Readonly<Record<string, DocumentedResponse>>;
  /** The smallest JSON body the request schema accepts; '' when the route takes none. */
  body: string;
  /** Served to this service's token only (x-vibot-service). */
  service: boolean;
}>;

type RawOperation = Readonly<{
  summary?: string;
  parameters?: Parameter[];
  responses: Record<string, DocumentedResponse>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-vibot-service'?: string;
}>;

export async function openApiDocument(app: NestFastifyApplication): Promise<{ operations: DocumentedOperation[]; schemas: Record<string, Schema> }> {
  const document = JSON.parse((await app.inject({ method: 'GET', url: '/docs-json' })).body);
  const schemas = document.components.schemas as Record<string, Schema>;
  const resolve = (schema: Schema | undefined): Schema | undefined => (schema?.$ref ? schemas[schema.$ref.split('/').pop()!] : schema);
  const minimal = (schema: Schema | undefined): unknown => {
    const resolved = resolve(schema);
    if (resolved?.type === 'string') return 'x';
    if (resolved?.type === 'number' || resolved?.type === 'integer') return 1;
    if (resolved?.type === 'array') return [];
    return Object.fromEntries((resolved?.required ?? []).map((name) => [name, minimal(resolved?.properties?.[name])]));
  };
  const operations = Object.entries(document.paths as Record<string, Record<string, RawOperation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      route: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      ...(op.summary !== undefined ? { summary: op.summary } : {}),
      parameters: op.parameters ?? [],
      responses: op.responses,
      body: op.requestBody === undefined ? '' : JSON.stringify(minimal(op.requestBody.content['application/json']?.schema)),
      service: op['x-vibot-service'] !== undefined,
    })),
  );
  return { operations, schemas };
}

export const headerOf = (operation: DocumentedOperation, name: string): Parameter | undefined =>
  operation.parameters.find((p) => p.in === 'header' && p.name === name);

/** The operation's path with its parameters filled in: `values` first, then `fallback`. */
export const urlOf = (operation: DocumentedOperation, values: Readonly<Record<string, string>>, fallback = 'x'): string =>
  operation.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? fallback);
