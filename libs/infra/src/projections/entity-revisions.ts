import { sql } from 'kysely';
import type { Trx } from '../database/database';

/**
 * Counts an entity's revision once per event (for ETag / If-Match): the stored stream revision
 * makes a replayed event change nothing.
 */
export async function bumpRevision(
  trx: Trx,
  entity: { type: string; id: string; companyId: string },
  streamRevision: bigint,
  first: boolean,
): Promise<void> {
  if (first) {
    await trx
      .insertInto('entity_revisions')
      .values({ entity_type: entity.type, entity_id: entity.id, company_id: entity.companyId, revision: 1n, stream_revision: streamRevision })
      .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doNothing())
      .execute();
    return;
  }
  await trx
    .updateTable('entity_revisions')
    .set({ revision: sql`revision + 1`, stream_revision: streamRevision })
    .where('entity_type', '=', entity.type)
    .where('entity_id', '=', entity.id)
    .where('stream_revision', '<', streamRevision.toString())
    .execute();
}
