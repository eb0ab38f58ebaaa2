import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ConnectorEvent, CredentialEvent } from '../../../domain/src';
import { assertNever, CONNECTOR_EVENT_TYPES, CREDENTIAL_EVENT_TYPES, isConnectorEventType } from '../../../domain/src';
import type { Trx } from '../database/database';
import type { RecordedEvent } from '../event-log/event-log';
import { upcast } from '../event-log/upcasters';
import { bumpRevision } from './entity-revisions';
import type { Projection } from './projection';

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

async function setStatus(trx: Trx, connectorId: string, status: string): Promise<void> {
  await trx.updateTable('integration_connectors').set({ status }).where('id', '=', connectorId).execute();
}

async function applyConnectorEvent(trx: Trx, event: ConnectorEvent, streamRevision: bigint): Promise<void> {
  const { connectorId, companyId } = event.data;
  const entity = { type: CONNECTOR_ENTITY, id: connectorId, companyId };
  switch (event.type) {
    case 'ConnectorRegistered': {
      const d = event.data;
      await trx
        .insertInto('integration_connectors')
        .values({
          id: connectorId,
          company_id: companyId,
          provider: d.provider,
          connector_type: d.connectorType,
          status: 'inactive',
          config: JSON.stringify(d.config),
          schedule: JSON.stringify(d.schedule),
          created_by: d.createdBy,
          created_at: d.registeredAt,
          updated_at: d.registeredAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await bumpRevision(trx, entity, streamRevision, true);
      return;
    }
    case 'ConnectorUpdated': {
      const { config, schedule, updatedBy, updatedAt } = event.data;
      await trx
        .updateTable('integration_connectors')
        .set({ config: JSON.stringify(config), schedule: JSON.stringify(schedule), updated_by: updatedBy, updated_at: updatedAt })
        .where('id', '=', connectorId)
        .execute();
      break;
    }
    case 'ConnectorActivated':
      await setStatus(trx, connectorId, 'active');
      break;
    case 'ConnectorDeactivated':
      await setStatus(trx, connectorId, 'inactive');
      break;
    case 'ConnectorSynced': {
      // A failed run changes nothing here (the failure count has no column); a success makes the
      // connector active and moves freshness forward only, as the fold does.
      const { outcome, syncedAt } = event.data;
      if (outcome === 'success') {
        await trx
          .updateTable('integration_connectors')
          .set({
            status: 'active',
            last_synced_at: sql<string>`GREATEST(COALESCE(last_synced_at, ${syncedAt}::timestamptz), ${syncedAt}::timestamptz)`,
          })
          .where('id', '=', connectorId)
          .execute();
      }
      break;
    }
    case 'ConnectorFailed':
      await setStatus(trx, connectorId, 'error');
      break;
    case 'ConnectorDeleted':
      // Its credential rows go with it (ON DELETE CASCADE).
      await trx.deleteFrom('integration_connectors').where('id', '=', connectorId).execute();
      await trx.deleteFrom('entity_revisions').where('entity_type', '=', CONNECTOR_ENTITY).where('entity_id', '=', connectorId).execute();
      return;
    default:
      assertNever(event);
  }
  await bumpRevision(trx, entity, streamRevision, false);
}

async function applyCredentialEvent(trx: Trx, event: CredentialEvent): Promise<void> {
  switch (event.type) {
    case 'CredentialRotated': {
      const { connectorId, companyId, version, ciphertext, checksum, rotatedAt, rotatedBy } = event.data;
      // Only while the connector has a row: the credential stream does not stop at the
      // connector's deletion, and a version of a deleted connector has nowhere to go.
      await sql`
        INSERT INTO connector_credentials (id, company_id, connector_id, version, secret_ciphertext, checksum, rotated_at, rotated_by)
        SELECT ${credentialRowId(connectorId, version)}::uuid, ${companyId}::uuid, c.id, ${version}::int,
               ${Buffer.from(ciphertext, 'base64')}::bytea, ${checksum}, ${rotatedAt}::timestamptz, ${rotatedBy}::uuid
          FROM integration_connectors c
         WHERE c.id = ${connectorId}::uuid
        ON CONFLICT DO NOTHING`.execute(trx);
      return;
    }
    case 'CredentialVersionDestroyed':
      await trx
        .deleteFrom('connector_credentials')
        .where('connector_id', '=', event.data.connectorId)
        .where('version', '=', event.data.version)
        .execute();
      return;
    case 'SecretAccessed':
      // Audit only: nothing in the read model changes.
      return;
    default:
      assertNever(event);
  }
}

/** integration_connectors and connector_credentials (seeds 000/001), with connector revisions. */
export const connectorProjection: Projection = {
  name: 'connectors',
  handles: new Set<string>([...CONNECTOR_EVENT_TYPES, ...CREDENTIAL_EVENT_TYPES]),
  apply: async (trx, recorded: RecordedEvent) => {
    const event = upcast(recorded);
    if (isConnectorEventType(event.type)) await applyConnectorEvent(trx, event as ConnectorEvent, recorded.revision);
    else await applyCredentialEvent(trx, event as CredentialEvent);
  },
};
