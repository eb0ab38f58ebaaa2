import {
  ADMIN_ROLE_CODE,
  companyDecider,
  companyStreamName,
  connectorDecider,
  connectorStreamName,
  credentialDecider,
  credentialStreamName,
  currentCredential,
  holdsRole,
  NotFound,
  type Actor,
  type CredentialCommand,
  type CredentialEvent,
} from '../../../domain/src';
import { handleCommand, type CommandResult } from '../commands/handle-command';
import { loadState } from '../commands/load-state';
import { openSecret, sealSecret, type SealedSecret } from '../crypto/credential-vault';
import type { KeyStore } from '../crypto/key-store';
import type { CommandContext } from '../event-log/envelope';
import type { EventLog } from '../event-log/event-log';

export type CredentialDeps = Readonly<{ log: EventLog; keys: KeyStore }>;
type UserActor = Extract<Actor, { kind: 'user' }>;

/** The facts a credential decision needs, read from event-sourced state, never a read model. */
async function factsFor(log: EventLog, actor: UserActor, connectorId: string) {
  const connector = (await loadState(log, connectorDecider, connectorStreamName(connectorId))).state;
  if (connector.status === 'absent' || connector.status === 'deleted' || connector.companyId !== actor.companyId) {
    throw new NotFound('connector_not_found', 'Connector not found', { connectorId });
  }
  const company = (await loadState(log, companyDecider, companyStreamName(actor.companyId))).state;
  const credential = await loadState(log, credentialDecider, credentialStreamName(connectorId));
  return { companyId: connector.companyId, actorIsAdmin: holdsRole(company, actor.userId, ADMIN_ROLE_CODE), credential: credential.state };
}

const decideCredential = (log: EventLog, connectorId: string, command: CredentialCommand, context: CommandContext) =>
  handleCommand(log, credentialDecider, credentialStreamName(connectorId), command, context);

/**
 * RotateCredential: the secret is sealed under a fresh data key BEFORE the event is decided;
 * only ciphertext, key id and checksum reach the log. A refused rotation destroys the fresh key.
 */
export async function rotateCredential(
  deps: CredentialDeps,
  input: { actor: UserActor; connectorId: string; secret: string | Record<string, unknown>; expectedVersion?: number; context: CommandContext },
): Promise<CommandResult<unknown, CredentialEvent> & { version: number }> {
  const facts = await factsFor(deps.log, input.actor, input.connectorId);
  const version = facts.credential.currentVersion + 1;
  let sealed: SealedSecret | undefined;
  try {
    sealed = await sealSecret(deps.keys, facts.companyId, input.secret);
    const result = await decideCredential(deps.log, input.connectorId, {
      type: 'RotateCredential',
      data: {
        connectorId: input.connectorId,
        companyId: facts.companyId,
        version,
        ciphertext: sealed.ciphertext,
        keyId: sealed.keyId,
        checksum: sealed.checksum,
        ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
        actorIsAdmin: facts.actorIsAdmin,
      },
      metadata: { actor: input.actor, now: input.context.now },
    }, input.context);
    return { ...result, version };
  } catch (error) {
    if (sealed) await deps.keys.destroyDataKey(sealed.keyId);
    throw error;
  }
}

/** Destroys one version: the event records it, then its data key is deleted (crypto-shredding). */
export async function destroyCredentialVersion(
  deps: CredentialDeps,
  input: { actor: UserActor; connectorId: string; version: number; context: CommandContext },
): Promise<CommandResult<unknown, CredentialEvent>> {
  const facts = await factsFor(deps.log, input.actor, input.connectorId);
  const result = await decideCredential(deps.log, input.connectorId, {
    type: 'DestroyCredentialVersion',
    data: { connectorId: input.connectorId, version: input.version, actorIsAdmin: facts.actorIsAdmin },
    metadata: { actor: input.actor, now: input.context.now },
  }, input.context);
  const destroyed = facts.credential.versions.get(input.version);
  if (destroyed) await deps.keys.destroyDataKey(destroyed.keyId);
  return result;
}

/**
 * The connector runtime's read of the current secret: the access is recorded as an event first
 * (who, when, which version), then the plaintext is returned to that caller only.
 */
export async function readSecretForRuntime(
  deps: CredentialDeps,
  input: { service: string; companyId: string; connectorId: string; purpose?: string; context: CommandContext },
): Promise<{ version: number; secret: string }> {
  const credential = (await loadState(deps.log, credentialDecider, credentialStreamName(input.connectorId))).state;
  const current = currentCredential(credential);
  if (!current || credential.companyId !== input.companyId) throw new NotFound('credential_not_found', 'No current credential', { connectorId: input.connectorId });
  const rotated = (await deps.log.readStream(credentialStreamName(input.connectorId))).find(
    (e) => e.type === 'CredentialRotated' && (e.data as { version: number }).version === current.version,
  )!;
  await decideCredential(deps.log, input.connectorId, {
    type: 'RecordSecretAccess',
    data: { connectorId: input.connectorId, version: current.version, ...(input.purpose ? { purpose: input.purpose } : {}) },
    metadata: { actor: { kind: 'service', service: input.service }, now: input.context.now },
  }, input.context);
  const data = rotated.data as { ciphertext: string; keyId: string; checksum: string };
  return { version: current.version, secret: await openSecret(deps.keys, input.companyId, data) };
}
