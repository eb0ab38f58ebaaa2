// Who may do what to a connector. The admin fact is computed by the caller from
// the company stream (see commands.ts); this module only decides from it.
import type { Actor } from '../shared/decider';
import { Forbidden, NotFound } from '../shared/domain-errors';
import type { ConnectorState, LiveConnector } from './state';

/** The only service allowed to touch connectors, and only to report syncs. */
export const CONNECTOR_RUNTIME_SERVICE = 'connector-runtime';

type UserActor = Extract<Actor, { kind: 'user' }>;

// Connector changes are attributed to a person (created_by / updated_by
// reference users), so no service may make them, not even the runtime.
export function requireUserActor(actor: Actor): UserActor {
  if (actor.kind === 'user') return actor;
  throw actor.service === CONNECTOR_RUNTIME_SERVICE
    ? new Forbidden('runtime_may_only_record_sync', 'The connector runtime may only record syncs')
    : new Forbidden('not_admin', 'Only company administrators may manage connectors');
}

export function requireAdmin(actorIsAdmin: boolean): void {
  // Strict equality: a missing or truthy-but-not-true fact must not grant access.
  if (actorIsAdmin !== true) throw new Forbidden('not_admin', 'Only company administrators may manage connectors');
}

/**
 * Deleted connectors and those of another company are both "not found": the
 * latter must not even reveal that the id exists.
 */
export function requireConnectorOf(state: ConnectorState, companyId: string | null): LiveConnector {
  if (state.status === 'absent' || state.status === 'deleted' || (companyId !== null && state.companyId !== companyId)) {
    throw new NotFound('connector_not_found', 'Connector not found');
  }
  return state;
}

/** The full check for admin commands on an existing connector, in leak-safe order. */
export function authorizeManagement(
  actor: Actor,
  actorIsAdmin: boolean,
  state: ConnectorState,
): { user: UserActor; connector: LiveConnector } {
  const user = requireUserActor(actor);
  const connector = requireConnectorOf(state, user.companyId);
  requireAdmin(actorIsAdmin);
  return { user, connector };
}

export function requireRuntime(actor: Actor): string {
  if (actor.kind === 'service' && actor.service === CONNECTOR_RUNTIME_SERVICE) return actor.service;
  throw new Forbidden('runtime_only', 'Only the connector runtime may record syncs');
}
