import { badRequest, type FieldError, ProblemError } from './problem';

/** Deeper than any body the API takes (connector configs nest a few levels); checked before parsing. */
export const MAX_BODY_DEPTH = 32;

// Keys that mean something to JavaScript objects; a body has no business naming them.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// NUL (PostgreSQL's text and jsonb cannot hold it) and UTF-16 halves without their pair (not text).
const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const notText = (text: string): boolean => text.includes('\u0000') || UNPAIRED.test(text);

/** Nesting depth of JSON text, counted without parsing it, so a hostile depth costs one pass. */
function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function collect(value: unknown, path: string, errors: FieldError[]): void {
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  if (typeof value === 'string') {
    if (notText(value)) errors.push({ field: path || 'body', messages: ['must be text without NUL characters or unpaired surrogates'] });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, at(String(i)), errors));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (RESERVED_KEYS.has(key)) errors.push({ field: at(key), messages: ['is a reserved name and cannot be a field'] });
      else if (notText(key)) errors.push({ field: at(JSON.stringify(key).slice(1, -1)), messages: ['field names must be text without NUL characters or unpaired surrogates'] });
      else collect(item, at(key), errors);
    }
  }
}

/**
 * The API's JSON body parser: bounded depth, then JSON.parse, then every string and key checked
 * for what PostgreSQL cannot store or JavaScript treats specially. Every refusal is a 400 that
 * names its fields and repeats no part of the body.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw badRequest('invalid_json', 'The body is empty but says it is JSON', [{ field: 'body', messages: ['must be valid JSON'] }]);
  if (exceedsDepth(text, MAX_BODY_DEPTH)) {
    throw badRequest('body_too_deep', `The body nests deeper than ${MAX_BODY_DEPTH} levels`, [
      { field: 'body', messages: [`must not nest deeper than ${MAX_BODY_DEPTH} levels`] },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'The body is not valid JSON', [{ field: 'body', messages: ['must be valid JSON'] }]);
  }
  const errors: FieldError[] = [];
  collect(value, '', errors);
  if (errors.length > 0) throw badRequest('validation_failed', `Invalid request: ${errors.map((e) => e.field).join(', ')}`, errors);
  return value;
}

/** JSON is UTF-8 (RFC 8259): a body that says it is in another charset is refused, not misread. */
export function requireUtf8(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return;
  throw new ProblemError({
    status: 415,
    code: 'unsupported_charset',
    detail: 'JSON bodies must be UTF-8',
    errors: [{ field: 'Content-Type', messages: ['charset must be utf-8 when given'] }],
  });
}
