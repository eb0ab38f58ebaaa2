import { createHash } from 'node:crypto';
import type { ConnectorEvent, CredentialEvent } from '#domain';
import { assertNever, CONNECTOR_EVENT_TYPES, CREDENTIAL_EVENT_TYPES, isConnectorEventType } from '#domain';
import { bumpRevision, forgetRevision } from './entity-revisions';
import { insertIfAbsent, type Projection } from './projection';
import type { RowStore } from './row-store';

export const CONNECTOR_ENTITY = 'integration_connector';

/**
 * The row id of a credential version: events carry none, so it is derived (UUID v5 layout over
 * SHA-1) from connector and version, and a rebuild gives every row the id it had before.
 */
export function credentialRowId(connectorId: string, version: number): string {
  const hash = createHash('sha1').update(`connector-credential:${connectorId}:${version}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const CONNECTORS = 'integration_connectors';
const CREDENTIALS = 'connector_credentials';

const time = (value: unknown): number => new Date(value as string | Date).getTime();

async function applyConnectorEvent(rows: RowStore, event: ConnectorEvent, streamRevision: bigint): Promise<void> {
  const { connectorId, companyId } = event.data;
  const key = { id: connectorId };
  const entity = { type: CONNECTOR_ENTITY, id: connectorId, companyId };
  switch (event.type) {
    case 'ConnectorRegistered': {
      const d = event.data;
      await insertIfAbsent(rows, CONNECTORS, {
        id: connectorId,
        company_id: companyId,
        provider: d.provider,
        connector_type: d.connectorType,
        status: 'inactive',
        config: d.config,
        schedule: d.schedule,
        last_synced_at: null,
        created_by: d.createdBy,
        updated_by: null,
        created_at: d.registeredAt,
        updated_at: d.registeredAt,
      });
      await bumpRevision(rows, entity, streamRevision, true);
      return;
    }
    case 'ConnectorUpdated': {
      const { config, schedule, updatedBy, updatedAt } = event.data;
      await rows.patch(CONNECTORS, key, { config, schedule, updated_by: updatedBy, updated_at: updatedAt });
      break;
    }
    case 'ConnectorActivated':
      await rows.patch(CONNECTORS, key, { status: 'active' });
      break;
    case 'ConnectorDeactivated':
      await rows.patch(CONNECTORS, key, { status: 'inactive' });
      break;
    case 'ConnectorSynced': {
      // A failed run changes nothing here (the failure count has no column); a success makes the
      // connector active and moves freshness forward only, as the fold does.
      const { outcome, syncedAt } = event.data;
      const connector = outcome === 'success' ? await rows.get(CONNECTORS, key) : undefined;
      if (connector) {
        const last = connector.last_synced_at;
        rows.put(CONNECTORS, { ...connector, status: 'active', last_synced_at: last !== null && time(last) > time(syncedAt) ? last : syncedAt });
      }
      break;
    }
    case 'ConnectorFailed':
      await rows.patch(CONNECTORS, key, { status: 'error' });
      break;
    case 'ConnectorDeleted':
      // Its credential rows go with it, as ON DELETE CASCADE would take them.
      await rows.removeWhere(CREDENTIALS, 'connector_id', connectorId);
      rows.remove(CONNECTORS, key);
      forgetRevision(rows, CONNECTOR_ENTITY, connectorId);
      return;
    default:
      assertNever(event);
  }
  await bumpRevision(rows, entity, streamRevision, false);
}

async function applyCredentialEvent(rows: RowStore, event: CredentialEvent): Promise<void> {
  switch (event.type) {
    case 'CredentialRotated': {
      const { connectorId, companyId, version, ciphertext, checksum, rotatedAt, rotatedBy } = event.data;
      // Only while the connector has a row: the credential stream does not stop at the
      // connector's deletion, and a version of a deleted connector has nowhere to go.
      if (!(await rows.get(CONNECTORS, { id: connectorId }))) return;
      await insertIfAbsent(rows, CREDENTIALS, {
        id: credentialRowId(connectorId, version),
        company_id: companyId,
        connector_id: connectorId,
        version,
        secret_ciphertext: Buffer.from(ciphertext, 'base64'),
        checksum,
        rotated_at: rotatedAt,
        rotated_by: rotatedBy,
      });
      return;
    }
    case 'CredentialVersionDestroyed':
      rows.remove(CREDENTIALS, { id: credentialRowId(event.data.connectorId, event.data.version) });
      return;
    case 'SecretAccessed':
      // Audit only: nothing in the read model changes.
      return;
    default:
      assertNever(event);
  }
}

/** integration_connectors and connector_credentials (seeds 000/001), with connector revisions. */
export const connectorProjection: Projection<ConnectorEvent | CredentialEvent> = {
  name: 'connectors',
  handles: new Set<string>([...CONNECTOR_EVENT_TYPES, ...CREDENTIAL_EVENT_TYPES]),
  apply: async (rows, event, recorded) => {
    if (isConnectorEventType(event.type)) await applyConnectorEvent(rows, event as ConnectorEvent, recorded.revision);
    else await applyCredentialEvent(rows, event as CredentialEvent);
  },
};
