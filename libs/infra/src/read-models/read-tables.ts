/**
 * The tables each projection writes, parents before children (foreign keys), so that a copy
 * can be created, filled and compared in this order and dropped in the reverse one. A test
 * fails when a table with Row Level Security exists in `public` that no projection claims.
 */
export const PROJECTION_TABLES: Readonly<Record<string, readonly string[]>> = {
  company: [
    'companies',
    'users',
    'roles',
    'user_roles',
    'entity_revisions',
    'permission_change_requests',
    'permission_change_request_details',
    'integration_connectors',
    'connector_credentials',
  ],
};

/** Each read table's primary key: how projections address a row (a test holds this to the catalog). */
export const TABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  companies: ['id'],
  users: ['id'],
  roles: ['id'],
  user_roles: ['user_id', 'role_id'],
  entity_revisions: ['entity_type', 'entity_id'],
  permission_change_requests: ['id'],
  permission_change_request_details: ['request_id'],
  integration_connectors: ['id'],
  connector_credentials: ['id'],
};

export function tablesOf(projection: string): readonly string[] {
  const tables = PROJECTION_TABLES[projection];
  if (!tables) throw new Error(`no projection named ${projection} (known: ${Object.keys(PROJECTION_TABLES).join(', ')})`);
  return tables;
}

/** Schema names we create and drop: only ever these, so a typo cannot drop someone's schema. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name) || name === 'public' || name.startsWith('pg_') || ['event_log', 'keystore', 'api', 'auth'].includes(name)) {
    throw new Error(`schema name ${JSON.stringify(name)} is not allowed: use lower-case letters, digits and _ (not public, pg_*, event_log, keystore, api, auth)`);
  }
  return name;
}

/** As-of schemas are the operator's to name, but not with the prefix rebuild and verify use for theirs. */
export function checkReportSchemaName(name: string): string {
  checkSchemaName(name);
  if (name.startsWith('vibot_')) throw new Error(`schema name ${JSON.stringify(name)} is not allowed: vibot_* is reserved for rebuild and verify`);
  return name;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
