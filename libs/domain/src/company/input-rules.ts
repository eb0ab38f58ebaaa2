// Validation of free-form command input shared across the company: ids, the company name,
// and the reasons that audited changes must give. User fields are in users/user-rules.ts.
import { Invalid } from '../shared/domain-errors';

// Canonical lower-case form only: Postgres returns uuids lower-cased, so
// accepting other spellings would let stream and read-model ids diverge.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MAX_COMPANY_NAME_LENGTH = 200;
const MAX_REASON_LENGTH = 2000;

export function requireId(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new Invalid('invalid_id', `${field} must be a lower-case UUID`, { field });
  }
  return value;
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
