// Validation of free-form command input that is not specific to roles.
import { Invalid } from '../shared/domain-errors';

// Canonical lower-case form only: Postgres returns uuids lower-cased, so
// accepting other spellings would let stream and read-model ids diverge.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Deliberately loose: real deliverability is proven by sign-in, not syntax.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;
const MAX_COMPANY_NAME_LENGTH = 200;
const MAX_DISPLAY_NAME_LENGTH = 200;
const MAX_REASON_LENGTH = 2000;

export function requireId(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new Invalid('invalid_id', `${field} must be a lower-case UUID`, { field });
  }
  return value;
}

/** Normalises (trim + lower-case) so uniqueness checks are case-insensitive. */
export function normalizeEmail(value: string): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new Invalid('invalid_email', 'Email address is not valid', { maxLength: MAX_EMAIL_LENGTH });
  }
  return email;
}

/** Blank display names are stored as null so "no name" has one representation. */
export function normalizeDisplayName(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const name = value.trim();
  if (name.length === 0) return null;
  if (name.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new Invalid('invalid_display_name', 'Display name is too long', { maxLength: MAX_DISPLAY_NAME_LENGTH });
  }
  return name;
}

export function normalizeCompanyName(value: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > MAX_COMPANY_NAME_LENGTH) {
    throw new Invalid('invalid_company_name', `Company name must be 1..${MAX_COMPANY_NAME_LENGTH} characters`, {
      maxLength: MAX_COMPANY_NAME_LENGTH,
    });
  }
  return name;
}

/** Grants and revocations are audited, so an empty justification is refused. */
export function normalizeReason(value: string): string {
  const reason = typeof value === 'string' ? value.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new Invalid('invalid_reason', `Reason must be 1..${MAX_REASON_LENGTH} characters`, {
      maxLength: MAX_REASON_LENGTH,
    });
  }
  return reason;
}
