import { insertIfAbsent } from './projection';
import type { RowStore } from './row-store';

/**
 * Counts an entity's revision once per event (for ETag / If-Match): the stored stream revision
 * makes a replayed event change nothing.
 */
export async function bumpRevision(
  rows: RowStore,
  entity: { type: string; id: string; companyId: string },
  streamRevision: bigint,
  first: boolean,
): Promise<void> {
  const key = { entity_type: entity.type, entity_id: entity.id };
  if (first) {
    await insertIfAbsent(rows, 'entity_revisions', { ...key, company_id: entity.companyId, revision: 1n, stream_revision: streamRevision });
    return;
  }
  const current = await rows.get('entity_revisions', key);
  if (current && BigInt(current.stream_revision as string | bigint) < streamRevision) {
    rows.put('entity_revisions', { ...current, revision: BigInt(current.revision as string | bigint) + 1n, stream_revision: streamRevision });
  }
}

export function forgetRevision(rows: RowStore, type: string, id: string): void {
  rows.remove('entity_revisions', { entity_type: type, entity_id: id });
}
