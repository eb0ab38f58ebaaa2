import {
  ADMIN_ROLE_CODE,
  AUDITOR_ROLE_CODE,
  companyDecider,
  type CompanyEvent,
  companyStreamName,
  fold,
  Forbidden,
  holdsRole,
} from '../../../../libs/domain/src';
import type { EventLog, RecordedEvent } from '../../../../libs/infra/src/event-log/event-log';
import { upcast } from '../../../../libs/infra/src/event-log/upcasters';
import type { UserActor } from '../http/request-user';

/** Administrators (who can change everything anyway) and auditors (who can change nothing). */
const AUDIT_ROLES = [ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE] as const;

/**
 * Who may read the audit trail, decided from the event-sourced company state, never from a
 * possibly stale read model: a revoked auditor loses access with the revocation's append.
 * Returns the company stream it had to read anyway.
 */
export async function requireAuditAccess(log: EventLog, actor: UserActor): Promise<RecordedEvent[]> {
  const recorded = await log.readStream(companyStreamName(actor.companyId));
  const state = fold(companyDecider, recorded.map((event) => upcast(event) as CompanyEvent));
  if (!AUDIT_ROLES.some((code) => holdsRole(state, actor.userId, code))) {
    throw new Forbidden('not_auditor', `Only holders of ${AUDIT_ROLES.join(' or ')} may read the audit trail`, {
      roles: [...AUDIT_ROLES],
    });
  }
  return recorded;
}
