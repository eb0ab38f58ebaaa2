import { ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE, companyStreamName, Forbidden, holdsRole } from '#domain';
import { companies } from '#infra/commands/aggregates';
import type { CommandPipeline } from '#infra/commands/command-pipeline';
import type { UserActor } from '../http/request-user';

/** Administrators (who can change everything anyway) and auditors (who can change nothing). */
const AUDIT_ROLES = [ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE] as const;

/**
 * Who may read the audit trail, decided from the event-sourced company state, never from a
 * possibly stale read model: a revoked auditor loses access with the revocation's append.
 */
export async function requireAuditAccess(pipeline: CommandPipeline, actor: UserActor): Promise<void> {
  // The guard loaded this stream afresh at the start of the request.
  const { state } = await pipeline.latest(companies, companyStreamName(actor.companyId));
  if (!AUDIT_ROLES.some((code) => holdsRole(state, actor.userId, code))) {
    throw new Forbidden('not_auditor', `Only holders of ${AUDIT_ROLES.join(' or ')} may read the audit trail`, {
      roles: [...AUDIT_ROLES],
    });
  }
}
