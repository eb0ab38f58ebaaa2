// Shape checks for what infrastructure hands over after encrypting. Messages
// never quote the value: even ciphertext does not belong in an error log.
import { Invalid } from '../shared/domain-errors';

// A generous ceiling: credentials are keys and tokens, not files.
const MAX_CIPHERTEXT_LENGTH = 64 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID = /^[A-Za-z0-9._:/-]{1,200}$/;
// Hex digests (HMAC-SHA256 today); up to 128 characters, the column's width.
const CHECKSUM = /^[0-9a-f]{32,128}$/;
const MAX_PURPOSE_LENGTH = 200;

export function requireVersionNumber(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Invalid('invalid_version', `${field} must be an integer of at least ${min}`, { field });
  }
  return value;
}

export function requireCiphertext(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CIPHERTEXT_LENGTH || !BASE64.test(value)) {
    throw new Invalid('invalid_ciphertext', `ciphertext must be base64, 1-${MAX_CIPHERTEXT_LENGTH} characters`);
  }
  return value;
}

export function requireKeyId(value: unknown): string {
  if (typeof value !== 'string' || !KEY_ID.test(value)) {
    throw new Invalid('invalid_key_id', 'keyId must be 1-200 letters, digits or ". _ : / -"');
  }
  return value;
}

export function requireChecksum(value: unknown): string {
  if (typeof value !== 'string' || !CHECKSUM.test(value)) {
    throw new Invalid('invalid_checksum', 'checksum must be a lower-case hex digest of 32-128 characters');
  }
  return value;
}

/** Blank means "not given"; overly long text is refused rather than cut, as it is audit data. */
export function normalizePurpose(value: string | undefined): string | null {
  if (value === undefined || value === null) return null;
  const purpose = typeof value === 'string' ? value.trim() : '';
  if (typeof value !== 'string' || purpose.length > MAX_PURPOSE_LENGTH) {
    throw new Invalid('invalid_purpose', `purpose must be a string of at most ${MAX_PURPOSE_LENGTH} characters`);
  }
  return purpose.length === 0 ? null : purpose;
}
