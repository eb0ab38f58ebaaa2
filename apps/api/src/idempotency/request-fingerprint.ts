import { SetMetadata } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { canonicalJson } from '../http/canonical-json';

export const SECRET_FIELDS = 'vibot:secret-fields';

/**
 * Names the body fields of a route that carry a secret. The Idempotency-Key fingerprint of such
 * a route leaves them out entirely: anything derived from a secret and kept (even keyed) could
 * be used to confirm a guess. A retry with the same key and another secret therefore gets the
 * first answer, as documented.
 */
export const SecretFields = (...fields: string[]): MethodDecorator => SetMetadata(SECRET_FIELDS, fields);

/** The fingerprint key: derived from the master key, never stored, the same in every API process. */
export const fingerprintKey = (masterKey: Buffer): Buffer =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vibot idempotency fingerprint v1', 32));

function withoutSecrets(body: unknown, secretFields: readonly string[]): unknown {
  if (secretFields.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([name]) => !secretFields.includes(name)));
}

/**
 * What "the same request" means for a key: method, path and body whatever the key order, as an
 * HMAC, so that a copy of the table confirms nothing about the bodies without the master key.
 */
export function requestFingerprint(
  key: Buffer,
  request: Readonly<{ method: string; path: string; body: unknown }>,
  secretFields: readonly string[] = [],
): string {
  const body = canonicalJson(withoutSecrets(request.body, secretFields) ?? null);
  return createHmac('sha256', key).update(`${request.method}\n${request.path}\n${body}`).digest('base64url');
}
