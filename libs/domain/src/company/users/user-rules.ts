// Validation of the fields a user is registered with (also the bootstrap administrator's).
import { Invalid } from '../../shared/domain-errors';

// Deliberately loose: real deliverability is proven by sign-in, not syntax.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;
const MAX_DISPLAY_NAME_LENGTH = 200;

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
