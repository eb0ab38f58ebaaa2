import {
  ADMIN_ROLE_CODE,
  type Actor,
  companyStreamName,
  connectorStreamName,
  credentialStreamName,
  type CredentialEvent,
  type CredentialState,
  currentCredential,
  holdsRole,
  NotFound,
} from '#domain';
import { companies, connectors, credentials } from '../commands/aggregates';
import type { CommandOutcome, CommandPipeline } from '../commands/command-pipeline';
import { openSecret, sealSecret, type SealedSecret } from '../crypto/credential-vault';
import type { KeyStore } from '../crypto/key-store';
import type { CommandContext } from '../event-log/envelope';

export type CredentialDeps = Readonly<{ pipeline: CommandPipeline; keys: KeyStore }>;
type UserActor = Extract<Actor, { kind: 'user' }>;
type CredentialOutcome = CommandOutcome<CredentialState, CredentialEvent>;

/** The facts a credential decision needs, read from event-sourced state, never a read model. */
async function factsFor(pipeline: CommandPipeline, actor: UserActor, connectorId: string) {
  const connector = (await pipeline.load(connectors, connectorStreamName(connectorId))).state;
  if (connector.status === 'absent' || connector.status === 'deleted' || connector.companyId !== actor.companyId) {
    throw new NotFound('connector_not_found', 'Connector not found', { connectorId });
  }
  const company = (await pipeline.load(companies, companyStreamName(actor.companyId))).state;
  return { companyId: connector.companyId, actorIsAdmin: holdsRole(company, actor.userId, ADMIN_ROLE_CODE) };
}

type Input = Readonly<{ actor: UserActor; connectorId: string; context: CommandContext; recoverSince?: Date }>;

/**
 * RotateCredential: the secret is sealed under a fresh data key BEFORE anything is decided; only
 * ciphertext, key id and checksum reach the log. The version is the next one of the state the
 * rotation is decided on, so rotations without an expected version never fail because another
 * came first. A rotation that appends nothing destroys its fresh key.
 */
export async function rotateCredential(
  deps: CredentialDeps,
  input: Input & { secret: string | Record<string, unknown>; expectedVersion?: number },
): Promise<CredentialOutcome & { version: number }> {
  const outcome = await deps.pipeline.execute(credentials, credentialStreamName(input.connectorId), {
    context: input.context,
    ...(input.recoverSince !== undefined ? { recoverSince: input.recoverSince } : {}),
    prepare: () => sealSecret(deps.keys, input.actor.companyId, input.secret),
    discard: (sealed: SealedSecret) => deps.keys.destroyDataKey(sealed.keyId),
    command: async (state, sealed: SealedSecret) => {
      const facts = await factsFor(deps.pipeline, input.actor, input.connectorId);
      return {
        type: 'RotateCredential' as const,
        data: {
          connectorId: input.connectorId,
          companyId: facts.companyId,
          version: state.currentVersion + 1,
          ciphertext: sealed.ciphertext,
          keyId: sealed.keyId,
          checksum: sealed.checksum,
          ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
          actorIsAdmin: facts.actorIsAdmin,
        },
        metadata: { actor: input.actor, now: input.context.now },
      };
    },
  });
  const rotated = outcome.events.find((event) => event.type === 'CredentialRotated');
  return { ...outcome, version: rotated?.type === 'CredentialRotated' ? rotated.data.version : outcome.state.currentVersion };
}

/** Destroys one version: the event records it, then its data key is deleted (crypto-shredding). */
export async function destroyCredentialVersion(deps: CredentialDeps, input: Input & { version: number }): Promise<CredentialOutcome> {
  const outcome = await deps.pipeline.execute(credentials, credentialStreamName(input.connectorId), {
    context: input.context,
    ...(input.recoverSince !== undefined ? { recoverSince: input.recoverSince } : {}),
    command: async () => ({
      type: 'DestroyCredentialVersion' as const,
      data: {
        connectorId: input.connectorId,
        version: input.version,
        actorIsAdmin: (await factsFor(deps.pipeline, input.actor, input.connectorId)).actorIsAdmin,
      },
      metadata: { actor: input.actor, now: input.context.now },
    }),
  });
  const destroyed = outcome.before.versions.get(input.version);
  if (destroyed) await deps.keys.destroyDataKey(destroyed.keyId);
  return outcome;
}

/**
 * The connector runtime's read of the current secret: the access is recorded as an event first
 * (who, when, which version), then the plaintext is returned to that caller only. The rotation's
 * ciphertext is read at the revision the pipeline's index keeps for it, not looked for.
 */
export async function readSecretForRuntime(
  deps: CredentialDeps,
  input: { service: string; companyId: string; connectorId: string; purpose?: string; context: CommandContext },
): Promise<{ version: number; secret: string }> {
  const stream = credentialStreamName(input.connectorId);
  const outcome = await deps.pipeline.execute(credentials, stream, {
    context: input.context,
    command: (state) => {
      const current = currentCredential(state);
      if (!current || state.companyId !== input.companyId) throw new NotFound('credential_not_found', 'No current credential', { connectorId: input.connectorId });
      return {
        type: 'RecordSecretAccess' as const,
        data: { connectorId: input.connectorId, version: current.version, ...(input.purpose ? { purpose: input.purpose } : {}) },
        metadata: { actor: { kind: 'service', service: input.service }, now: input.context.now },
      };
    },
  });
  const version = outcome.before.currentVersion;
  const rotated = await deps.pipeline.eventAt(credentials, stream, (index) => index.get(version));
  if (rotated?.type !== 'CredentialRotated') throw new NotFound('credential_not_found', 'No current credential', { connectorId: input.connectorId });
  const data = rotated.data as { ciphertext: string; keyId: string; checksum: string };
  return { version, secret: await openSecret(deps.keys, input.companyId, data) };
}
