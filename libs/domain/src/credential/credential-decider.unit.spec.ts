import type { Actor } from '../shared/decider';
import { DeciderSpec } from '../../test/shared/decider-spec';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/domain-errors';
import type { CredentialCommand, RotateCredential } from './commands';
import { credentialDecider, credentialStreamName } from './decider';
import type { CredentialEvent } from './events';
import { currentCredential, hasCurrentCredential } from './state';

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const COMPANY_ID = uuid(1);
const OTHER_COMPANY_ID = uuid(2);
const ADMIN_ID = uuid(10);
const MEMBER_ID = uuid(11);
const CONNECTOR_ID = uuid(30);
const NOW = '2025-03-04T05:06:07.000Z';
const CHECKSUM = 'ab'.repeat(32);

const admin: Actor = { kind: 'user', userId: ADMIN_ID, companyId: COMPANY_ID };
const member: Actor = { kind: 'user', userId: MEMBER_ID, companyId: COMPANY_ID };
const outsider: Actor = { kind: 'user', userId: uuid(12), companyId: OTHER_COMPANY_ID };
const runtime: Actor = { kind: 'service', service: 'connector-runtime' };
const operator: Actor = { kind: 'service', service: 'vibot-cli' };

const spec = DeciderSpec.for(credentialDecider);
const at = (actor: Actor) => ({ actor, now: NOW });

const rotate = (version: number, overrides: Partial<RotateCredential['data']> = {}, actor: Actor = admin): CredentialCommand => ({
  type: 'RotateCredential',
  data: {
    connectorId: CONNECTOR_ID,
    companyId: COMPANY_ID,
    version,
    ciphertext: 'c2VjcmV0',
    keyId: `key-${version}`,
    checksum: CHECKSUM,
    actorIsAdmin: true,
    ...overrides,
  },
  metadata: at(actor),
});
const destroy = (version: number, actor: Actor = admin, actorIsAdmin = true): CredentialCommand => ({
  type: 'DestroyCredentialVersion',
  data: { connectorId: CONNECTOR_ID, version, actorIsAdmin },
  metadata: at(actor),
});
const access = (version: number, purpose?: string, actor: Actor = runtime): CredentialCommand => ({
  type: 'RecordSecretAccess',
  data: { connectorId: CONNECTOR_ID, version, ...(purpose === undefined ? {} : { purpose }) },
  metadata: at(actor),
});

const rotated = (version: number): CredentialEvent => ({
  type: 'CredentialRotated',
  data: {
    connectorId: CONNECTOR_ID,
    companyId: COMPANY_ID,
    version,
    ciphertext: 'c2VjcmV0',
    keyId: `key-${version}`,
    checksum: CHECKSUM,
    rotatedBy: ADMIN_ID,
    rotatedAt: NOW,
  },
});
const destroyed = (version: number): CredentialEvent => ({
  type: 'CredentialVersionDestroyed',
  data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, version, keyId: `key-${version}`, destroyedBy: ADMIN_ID, destroyedAt: NOW },
});

describe('credentialStreamName', () => {
  it('prefixes the connector id', () => {
    expect(credentialStreamName(CONNECTOR_ID)).toBe(`connectorCredential-${CONNECTOR_ID}`);
  });
});

describe('RotateCredential', () => {
  it('stores version 1 first, then current + 1', () => {
    const first = spec.given([]).when(rotate(1)).then([rotated(1)]);
    expect(first.state).toMatchObject({ companyId: COMPANY_ID, currentVersion: 1 });
    expect(hasCurrentCredential(first.state)).toBe(true);
    const second = spec.given([rotated(1)]).when(rotate(2)).then([rotated(2)]);
    expect(currentCredential(second.state)).toMatchObject({ version: 2, keyId: 'key-2', destroyed: false });
  });

  it('numbers after a destroyed current version too', () => {
    spec.given([rotated(1), destroyed(1)]).when(rotate(2)).then([rotated(2)]);
  });

  it.each([[1], [3]])('refuses version %p after version 1 with a Conflict', (version) => {
    const error = spec.given([rotated(1)]).when(rotate(version)).thenThrows(Conflict, 'unexpected_version');
    expect(error.details).toEqual({ currentVersion: 1, nextVersion: 2 });
  });

  it.each([[0], [-1], [Number.NaN]])('refuses version %p as invalid', (version) => {
    spec.given([]).when(rotate(version)).thenThrows(Invalid, 'invalid_version');
  });

  it('checks expectedVersion, with 0 meaning "only if none exists"', () => {
    spec.given([]).when(rotate(1, { expectedVersion: 0 })).then([rotated(1)]);
    const taken = spec.given([rotated(1)]).when(rotate(2, { expectedVersion: 0 })).thenThrows(Conflict, 'version_mismatch');
    expect(taken.details).toEqual({ currentVersion: 1 });
    spec.given([rotated(1)]).when(rotate(2, { expectedVersion: 1 })).then([rotated(2)]);
    spec.given([rotated(1), rotated(2)]).when(rotate(3, { expectedVersion: 1 })).thenThrows(Conflict, 'version_mismatch');
    spec.given([]).when(rotate(1, { expectedVersion: -1 })).thenThrows(Invalid, 'invalid_version');
  });

  it('is for company admins only, as people', () => {
    spec.given([]).when(rotate(1, { actorIsAdmin: false }, member)).thenThrows(Forbidden, 'not_admin');
    spec.given([]).when(rotate(1, {}, runtime)).thenThrows(Forbidden, 'not_admin');
    spec.given([]).when(rotate(1, {}, operator)).thenThrows(Forbidden, 'not_admin');
  });

  it("hides another company's connector", () => {
    spec.given([]).when(rotate(1, {}, outsider)).thenThrows(NotFound, 'connector_not_found');
    spec.given([rotated(1)]).when(rotate(2, { companyId: OTHER_COMPANY_ID }, outsider)).thenThrows(NotFound, 'connector_not_found');
  });

  it.each<[string, Partial<RotateCredential['data']>]>([
    ['invalid_ciphertext', { ciphertext: '' }],
    ['invalid_ciphertext', { ciphertext: 'not base64!' }],
    ['invalid_ciphertext', { ciphertext: 'abc' }],
    ['invalid_key_id', { keyId: '' }],
    ['invalid_key_id', { keyId: 'has space' }],
    ['invalid_checksum', { checksum: 'XYZ' }],
    ['invalid_checksum', { checksum: 'AB'.repeat(32) }],
    ['invalid_version', { version: 1.5 }],
    ['invalid_id', { connectorId: 'c-1' }],
  ])('refuses %s for %j without echoing the value', (code, overrides) => {
    const error = spec.given([]).when(rotate(1, overrides)).thenThrows(Invalid, code);
    for (const value of Object.values(overrides)) {
      if (typeof value === 'string' && value.length > 3) expect(error.message).not.toContain(value);
    }
  });

  it('gives every version its own data key', () => {
    spec.given([rotated(1)]).when(rotate(2, { keyId: 'key-1' })).thenThrows(Conflict, 'key_reused');
  });
});

describe('DestroyCredentialVersion', () => {
  it('destroys a version, leaving no current credential when it was the current one', () => {
    const { state } = spec.given([rotated(1)]).when(destroy(1)).then([destroyed(1)]);
    expect(hasCurrentCredential(state)).toBe(false);
    expect(state.currentVersion).toBe(1);
  });

  it('destroys an older version without touching the current one', () => {
    const { state } = spec.given([rotated(1), rotated(2)]).when(destroy(1)).then([destroyed(1)]);
    expect(currentCredential(state)?.version).toBe(2);
  });

  it('does not fall back to an older version when the current one is destroyed', () => {
    const { state } = spec.given([rotated(1), rotated(2)]).when(destroy(2)).then([destroyed(2)]);
    expect(hasCurrentCredential(state)).toBe(false);
  });

  it('reports unknown and already destroyed versions as not found', () => {
    spec.given([rotated(1)]).when(destroy(2)).thenThrows(NotFound, 'credential_version_not_found');
    spec.given([rotated(1), destroyed(1)]).when(destroy(1)).thenThrows(NotFound, 'credential_version_not_found');
    spec.given([]).when(destroy(1)).thenThrows(NotFound);
  });

  it('is for admins of the owning company only', () => {
    spec.given([rotated(1)]).when(destroy(1, member, false)).thenThrows(Forbidden, 'not_admin');
    spec.given([rotated(1)]).when(destroy(1, outsider)).thenThrows(NotFound, 'connector_not_found');
    spec.given([rotated(1)]).when(destroy(1, runtime)).thenThrows(Forbidden, 'not_admin');
  });
});

describe('RecordSecretAccess', () => {
  it('audits a read of the current version by the runtime', () => {
    spec.given([rotated(1), rotated(2)]).when(access(2, ' nightly sync ')).then([
      {
        type: 'SecretAccessed',
        data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, version: 2, purpose: 'nightly sync', accessedBy: 'connector-runtime', accessedAt: NOW },
      },
    ]);
    spec.given([rotated(1)]).when(access(1)).then([expect.objectContaining({ data: expect.objectContaining({ purpose: null }) })]);
  });

  it('is only for the connector runtime', () => {
    spec.given([rotated(1)]).when(access(1, undefined, admin)).thenThrows(Forbidden, 'runtime_only');
    spec.given([rotated(1)]).when(access(1, undefined, operator)).thenThrows(Forbidden, 'runtime_only');
  });

  it('needs a current, undestroyed credential', () => {
    spec.given([]).when(access(1)).thenThrows(NotFound, 'credential_not_found');
    spec.given([rotated(1), destroyed(1)]).when(access(1)).thenThrows(NotFound, 'credential_not_found');
  });

  it('refuses a superseded version so the runtime re-reads', () => {
    const error = spec.given([rotated(1), rotated(2)]).when(access(1)).thenThrows(Conflict, 'stale_credential_version');
    expect(error.details).toEqual({ currentVersion: 2 });
  });

  it('refuses an over-long purpose', () => {
    spec.given([rotated(1)]).when(access(1, 'p'.repeat(201))).thenThrows(Invalid, 'invalid_purpose');
  });

  it('changes no state', () => {
    const before = credentialDecider.evolve(credentialDecider.initialState(), rotated(1));
    const [event] = credentialDecider.decide(access(1), before);
    expect(credentialDecider.evolve(before, event as CredentialEvent)).toBe(before);
  });
});
