import {
  ADMIN_ROLE_CODE,
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

/**
 * Who may read the audit trail, decided from the event-sourced company state, never from a
 * possibly stale read model. Returns the company stream it had to read anyway.
 */
export async function requireAuditAccess(log: EventLog, actor: UserActor): Promise<RecordedEvent[]> {
  const recorded = await log.readStream(companyStreamName(actor.companyId));
  const state = fold(companyDecider, recorded.map((event) => upcast(event) as CompanyEvent));
  if (!holdsRole(state, actor.userId, ADMIN_ROLE_CODE)) {
    throw new Forbidden('not_admin', 'Only company administrators may read the audit trail');
  }
  return recorded;
}
