import type { OpenAPIObject } from '@nestjs/swagger';
import { ROUTE_DOC, type Refusals } from './route-doc';

type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Record<string, unknown> };
type Response = { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> };
type Operation = {
  parameters?: Parameter[];
  requestBody?: unknown;
  responses: Record<string, Response>;
  security?: unknown[];
  'x-vibot-service'?: string;
  [ROUTE_DOC]?: { refusals: Refusals; etag: boolean; location: boolean };
};

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json)',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:vibot:problem:validation_failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable, machine-readable: branch on this, not on detail' },
    instance: { type: 'string', description: 'The path of the request' },
    errors: {
      type: 'array',
      description: 'Every field that is wrong, by name (body fields by their path, e.g. config.host; parameters and headers by name)',
      items: { type: 'object', properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } },
    },
    currentRevision: { type: 'string', description: 'On 409: the revision now current; read again, then retry with it as If-Match' },
    details: { type: 'object', additionalProperties: true },
  },
};

const problem = (description: string, codes: readonly string[]): Response => ({
  description: codes.length > 0 ? `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(', ')}` : description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const HEADERS = {
  idempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    description:
      'Up to 200 printable ASCII characters. The same key with the same request returns the first answer (Idempotent-Replayed: true) and appends nothing; with another request, 422 idempotency_key_reuse. Kept 24 h.',
  },
  minPosition: {
    name: 'X-Min-Position',
    in: 'header',
    required: false,
    schema: { type: 'string', pattern: '^\\d{1,19}/\\d{1,19}$', example: '1234/56' },
    description:
      "Read your own writes: answer only once the read models include this log position (a command answer's `position`). 400 position_not_in_log if it is past the log; 503 projection_behind if they do not catch up in time.",
  },
  etag: { description: 'The revision, as a strong ETag ("3"); send it back as If-Match', schema: { type: 'string', example: '"3"' } },
  location: { description: 'The path of the created resource', schema: { type: 'string', example: '/v1/roles/9b2f…' } },
};

function completeOperation(path: string, method: string, operation: Operation): void {
  const route = operation[ROUTE_DOC] ?? { refusals: {}, etag: false, location: false };
  delete operation[ROUTE_DOC];
  const command = method !== 'get';
  const forUsers = operation['x-vibot-service'] === undefined;
  const secured = operation.security !== undefined && path.startsWith('/v1/');
  const parameters = (operation.parameters ?? []).filter((p) => !(p.in === 'header' && p.name === 'Idempotency-Key'));
  // Keys are kept per user: service routes have none.
  if (command && forUsers && secured) parameters.push(HEADERS.idempotencyKey);
  if (!command && secured) parameters.push(HEADERS.minPosition);
  for (const parameter of parameters) {
    if (parameter.in === 'path' && parameter.name === 'id') parameter.schema = { type: 'string', format: 'uuid' };
    if (parameter.in === 'path' && parameter.name === 'version') parameter.schema = { type: 'integer', minimum: 1, maximum: 999_999_999 };
  }
  operation.parameters = parameters;
  const ifMatch = parameters.find((p) => p.in === 'header' && p.name === 'If-Match');
  if (ifMatch) {
    ifMatch.schema = { type: 'string', pattern: '^(?:"\\d{1,19}"|\\d{1,19}|\\*)$', example: '"3"' };
  }

  const { refusals } = route;
  const responses = operation.responses;
  for (const [status, answer] of Object.entries(responses)) {
    if (!status.startsWith('2')) continue;
    if (answer.description === '') answer.description = status === '201' ? 'Created' : 'OK';
    const headers: Record<string, unknown> = { ...(answer.headers ?? {}) };
    if (route.etag) headers.ETag = HEADERS.etag;
    if (route.location && status === '201') headers.Location = HEADERS.location;
    if (Object.keys(headers).length > 0) answer.headers = headers;
  }
  // A route's own description of an error goes first; the shape and codes are the document's.
  const add = (status: number, response: Response): void => {
    const own = responses[String(status)]?.description;
    responses[String(status)] = own ? { ...response, description: `${own}. ${response.description}` } : response;
  };
  if (secured || parameters.length > 0 || operation.requestBody !== undefined) {
    const codes = ['validation_failed'];
    if (parameters.some((p) => p.name === 'cursor')) codes.push('invalid_cursor');
    if (!command && secured) codes.push('invalid_min_position', 'position_not_in_log');
    if (ifMatch) codes.push('invalid_if_match');
    if (command && forUsers && secured) codes.push('invalid_idempotency_key');
    if (operation.requestBody !== undefined) codes.push('invalid_json', 'body_too_deep');
    add(400, problem('Malformed input: errors names every field, parameter or header that is wrong', codes));
    if (parameters.some((p) => p.in === 'path')) add(414, problem('A path segment is longer than any id', ['uri_too_long']));
    add(431, problem('Request line and headers over 16 KiB', ['headers_too_large']));
  }
  if (operation.security !== undefined) {
    add(401, problem('No valid bearer token', ['unauthorized']));
    add(403, problem('Not allowed', ['not_a_member', 'wrong_token_kind', ...(refusals[403] ?? [])]));
  }
  if (refusals[404]?.length || parameters.some((p) => p.in === 'path')) add(404, problem('Not found', refusals[404] ?? []));
  if (command) {
    const conflicts = [...new Set([...(refusals[409] ?? []), ...(ifMatch ? ['stale_revision'] : [])])];
    const retried = ['concurrency_conflict', 'duplicate_command', ...(forUsers ? ['idempotency_key_in_flight'] : [])];
    add(409, problem('Conflicts with the current state; stale_revision carries currentRevision', [...conflicts, ...retried]));
  }
  if (ifMatch) add(412, problem('If-Match can never match (a weak ETag W/"…")', ['weak_etag']));
  if (ifMatch?.required) add(428, problem('If-Match is required', ['if_match_required']));
  if (operation.requestBody !== undefined) {
    add(413, problem('Body over 1 MiB', ['payload_too_large']));
    add(415, problem('Body not application/json in UTF-8', ['unsupported_media_type', 'unsupported_charset']));
  }
  const unprocessable = [...(refusals[422] ?? []), ...(command && forUsers && secured ? ['idempotency_key_reuse'] : [])];
  if (unprocessable.length > 0) add(422, problem('Refused by a business rule', unprocessable));
  if (secured && !command) add(503, problem('The read models did not reach X-Min-Position in time (Retry-After), or the database is unavailable', ['projection_behind', 'database_unavailable']));
  else if (secured) add(503, problem('The database is unavailable (Retry-After)', ['database_unavailable']));
}

/** Adds the conventions every route shares to the document @nestjs/swagger built from the handlers. */
export function completeOpenApi(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Problem: PROBLEM_SCHEMA };
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      if (typeof operation === 'object' && operation !== null && 'responses' in operation) completeOperation(path, method, operation);
    }
  }
  return document;
}
