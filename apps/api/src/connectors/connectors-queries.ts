import { Injectable } from '@nestjs/common';
import { type Db, readAsUser } from '#infra/database/database';
import { CONNECTOR_ENTITY } from '#infra/projections/connector-projection';
import { ApiRuntime } from '../api-runtime';
import type { RequestUser } from '../http/request-user';
import { decodeCursor, type Page, toPage } from '../pagination/page';
import type { ConnectorDto } from './connector-dtos';

type ConnectorRow = Awaited<ReturnType<ReturnType<typeof selectConnectors>['executeTakeFirstOrThrow']>>;

const toConnector = (row: ConnectorRow): ConnectorDto => ({
  id: row.id,
  companyId: row.company_id,
  provider: row.provider,
  connectorType: row.connector_type,
  status: row.status,
  config: row.config,
  schedule: row.schedule,
  lastSyncedAt: row.last_synced_at === null ? null : row.last_synced_at.toISOString(),
  createdBy: row.created_by,
  updatedBy: row.updated_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  revision: row.revision,
});

/** Connector reads as the caller through RLS: every member of the company sees its connectors. */
@Injectable()
export class ConnectorsQueries {
  constructor(private readonly runtime: ApiRuntime) {}

  /** Ordered by id: stable, and the cursor is the last id. */
  async list(user: RequestUser, limit: number, cursor: string | undefined): Promise<Page<ConnectorDto>> {
    const after = decodeCursor(cursor, 1);
    let query = selectConnectors(this.runtime.db).orderBy('c.id').limit(limit + 1);
    if (after) query = query.where('c.id', '>', after[0]!);
    const rows = await readAsUser(this.runtime.pool, user.claims, query);
    return toPage(rows, limit, toConnector, (row) => [row.id]);
  }

  async get(user: RequestUser, id: string): Promise<ConnectorDto | undefined> {
    const [row] = await readAsUser(this.runtime.pool, user.claims, selectConnectors(this.runtime.db).where('c.id', '=', id));
    return row === undefined ? undefined : toConnector(row);
  }
}

function selectConnectors(db: Db) {
  return db
    .selectFrom('integration_connectors as c')
    .leftJoin('entity_revisions as er', (join) =>
      join.onRef('er.entity_id', '=', 'c.id').on('er.entity_type', '=', CONNECTOR_ENTITY),
    )
    .select([
      'c.id',
      'c.company_id',
      'c.provider',
      'c.connector_type',
      'c.status',
      'c.config',
      'c.schedule',
      'c.last_synced_at',
      'c.created_by',
      'c.updated_by',
      'c.created_at',
      'c.updated_at',
      'er.revision',
    ]);
}
