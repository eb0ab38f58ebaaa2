// Rules about a permission-change request's input and lifecycle, shared by
// the request, approve, reject, cancel and expire deciders.
import type { Actor } from '../../shared/decider';
import { Conflict, type DomainErrorDetails, Forbidden, Invalid, InvalidTransition, NotFound } from '../../shared/domain-errors';
import type { RoleDiff } from './request-events';
import type { RequestState } from './request-state';
import { ADMIN_ROLE_CODE, countHolders, roleWithCode } from '../roles/role-rules';
import type { RegisteredCompany } from '../state';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_REQUEST_TTL_DAYS = 7;
export const MAX_REQUEST_TTL_DAYS = 30;
const MAX_COMMENT_LENGTH = 2000;
// Offsets are required: a zone-less timestamp means different instants on different hosts.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** metadata.now comes from our own infrastructure, so a bad one is a bug (500), not the user's fault. */
export function clock(now: string): number {
  const ms = parseInstant(now);
  if (ms === undefined) throw new Error(`metadata.now is not an ISO-8601 instant: ${JSON.stringify(now)}`);
  return ms;
}

/** Stored as canonical UTC so every reader compares deadlines the same way. */
export function resolveExpiry(expiresAt: string | undefined, now: string): string {
  const start = clock(now);
  if (expiresAt === undefined) return new Date(start + DEFAULT_REQUEST_TTL_DAYS * DAY_MS).toISOString();
  const ms = parseInstant(expiresAt);
  if (ms === undefined || ms <= start || ms > start + MAX_REQUEST_TTL_DAYS * DAY_MS) {
    throw new Invalid('invalid_expiry', `expiresAt must be an ISO-8601 instant after now and at most ${MAX_REQUEST_TTL_DAYS} days ahead`, {
      maxDays: MAX_REQUEST_TTL_DAYS,
    });
  }
  return new Date(ms).toISOString();
}

/** Blank comments become null so "no comment" has one representation. */
export function normalizeComment(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim().length > MAX_COMMENT_LENGTH) {
    throw new Invalid('invalid_comment', `Comment must be at most ${MAX_COMMENT_LENGTH} characters`, {
      maxLength: MAX_COMMENT_LENGTH,
    });
  }
  const comment = value.trim();
  return comment.length === 0 ? null : comment;
}

function codeList(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value) || value.some((code) => typeof code !== 'string')) {
    throw new Invalid('invalid_diff', `${field} must be a list of role codes`, { field });
  }
  // Dedupe, keeping first-seen order: repeating a code does not change what is asked.
  return [...new Set(value as string[])];
}

export function normalizeDiff(grant: readonly string[], revoke: readonly string[]): RoleDiff {
  const diff = { grant: codeList(grant, 'grant'), revoke: codeList(revoke, 'revoke') };
  if (diff.grant.length === 0 && diff.revoke.length === 0) {
    throw new Invalid('empty_diff', 'A request must grant or revoke at least one role');
  }
  const overlap = diff.grant.filter((code) => diff.revoke.includes(code));
  if (overlap.length > 0) {
    throw new Invalid('overlapping_diff', 'A role cannot be both granted and revoked', { codes: overlap });
  }
  return diff;
}

export type DiffProblem = Readonly<{ code: string; message: string; details?: DomainErrorDetails }>;

/**
 * Why the diff cannot be applied to the target right now, or undefined if it
 * can. Checked when requesting and again just before the final approval,
 * because roles and assignments may have changed in between.
 */
export function diffProblem(company: RegisteredCompany, targetUserId: string, diff: RoleDiff): DiffProblem | undefined {
  const unknown = [...diff.grant, ...diff.revoke].filter((code) => roleWithCode(company, code) === undefined);
  if (unknown.length > 0) return { code: 'role_not_found', message: 'Unknown role codes', details: { codes: unknown } };
  const held = company.assignments.get(targetUserId) ?? new Set<string>();
  const holds = (code: string) => held.has(roleWithCode(company, code)?.roleId ?? '');
  const granted = diff.grant.filter(holds);
  if (granted.length > 0) {
    return { code: 'already_granted', message: 'The user already holds these roles', details: { codes: granted } };
  }
  const missing = diff.revoke.filter((code) => !holds(code));
  if (missing.length > 0) {
    return { code: 'not_granted', message: 'The user does not hold these roles', details: { codes: missing } };
  }
  // Without an administrator nobody but an operator could manage the company again.
  const admin = roleWithCode(company, ADMIN_ROLE_CODE);
  if (admin !== undefined && diff.revoke.includes(ADMIN_ROLE_CODE) && countHolders(company, admin.roleId) <= 1) {
    return { code: 'last_admin', message: 'The last administrator cannot lose the administrator role' };
  }
  return undefined;
}

/** Service actors are refused: a request needs a person to be accountable for it. */
export function requireMember(company: RegisteredCompany, actor: Actor): string {
  if (actor.kind !== 'user') throw new Forbidden('user_only', 'Permission changes are requested by people, not by operator tooling');
  if (actor.companyId !== company.companyId || !company.users.has(actor.userId)) {
    throw new Forbidden('not_member', 'Only members of this company may request permission changes');
  }
  return actor.userId;
}

export function requireRequest(company: RegisteredCompany, requestId: string): RequestState {
  const request = company.requests.get(requestId);
  if (request === undefined) throw new NotFound('request_not_found', 'Request not found', { requestId });
  return request;
}

export const isOverdue = (request: RequestState, now: string): boolean => clock(now) >= clock(request.expiresAt);

/** Decided requests are final; an overdue one can only be expired, even before the scheduler got to it. */
export function requireOpen(request: RequestState, now: string): void {
  if (request.status !== 'pending') {
    throw new InvalidTransition('request_decided', `The request is already ${request.status}`, { status: request.status });
  }
  if (isOverdue(request, now)) {
    throw new InvalidTransition('request_expired', 'The request has expired', { expiresAt: request.expiresAt });
  }
}

export function assertRequestRevision(request: RequestState, expected: bigint | undefined): void {
  if (expected !== undefined && expected !== request.revision) {
    throw new Conflict(
      'stale_revision',
      'The request was changed by someone else; reload and retry',
      { requestId: request.requestId },
      request.revision,
    );
  }
}
