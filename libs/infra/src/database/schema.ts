import type { ColumnType, Generated, RawBuilder, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** One step of a request's approval chain, as approval_flow holds it. */
export type ApprovalStepRow = Readonly<{
  step: number;
  approverRole: string;
  status: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}>;

/** jsonb: read back parsed; written as JSON text, or as the value itself (node-postgres serialises it). */
type Json<T> = ColumnType<T, T | string, T | string | RawBuilder<unknown>>;

/** Read-model tables (migrations/003), as Kysely sees them. */
export interface CompaniesTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  company_id: string;
  email: string;
  display_name: string | null;
  created_at: Timestamp;
}

export interface RolesTable {
  id: Generated<string>;
  company_id: string;
  code: string;
  name: string;
  description: string | null;
  scope: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRolesTable {
  company_id: string;
  user_id: string;
  role_id: string;
  granted_at: Timestamp;
}

export interface EntityRevisionsTable {
  entity_type: string;
  entity_id: string;
  company_id: string;
  /** bigint in SQL; pg hands it over as a string and we keep it one until BigInt(). */
  revision: ColumnType<string, string | bigint, string | bigint | RawBuilder<unknown>>;
  stream_revision: ColumnType<string, string | bigint, string | bigint>;
}

/** bigint columns with a default: pg hands bigint over as a string, we write bigint. */
type DefaultedBigint = ColumnType<string, string | bigint | undefined, string | bigint | RawBuilder<unknown>>;

export interface ProjectionCheckpointsTable {
  name: string;
  commit_position: DefaultedBigint;
  prepare_position: DefaultedBigint;
  events_applied: DefaultedBigint;
  status: Generated<string>;
  last_error: string | null;
  updated_at: Timestamp;
}

export interface PermissionChangeRequestsTable {
  id: Generated<string>;
  company_id: string;
  requester_id: string;
  target_user_id: string;
  diff: Json<Readonly<{ grant: readonly string[]; revoke: readonly string[] }>>;
  status: Generated<string>;
  approval_flow: Json<readonly ApprovalStepRow[]>;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  decision_by: string | null;
  created_at: Timestamp;
}

export interface PermissionChangeRequestDetailsTable {
  request_id: string;
  company_id: string;
  reason: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  decision_reason: string | null;
}

export interface IdempotencyKeysTable {
  user_id: string;
  company_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: unknown;
  created_at: Timestamp;
  reserved_at: Timestamp;
}

/** Seed 000 (migrations/006): one row per live connector. */
export interface IntegrationConnectorsTable {
  id: string;
  company_id: string;
  provider: string;
  connector_type: string;
  status: Generated<string>;
  config: Json<unknown>;
  schedule: Json<unknown>;
  last_synced_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: string;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Seed 001 (migrations/006): one row per live credential version; the secret is pgcrypto ciphertext. */
export interface ConnectorCredentialsTable {
  id: Generated<string>;
  company_id: string;
  connector_id: string;
  version: number;
  secret_ciphertext: Buffer;
  checksum: string;
  rotated_at: Timestamp;
  rotated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database {
  companies: CompaniesTable;
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  entity_revisions: EntityRevisionsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  permission_change_requests: PermissionChangeRequestsTable;
  permission_change_request_details: PermissionChangeRequestDetailsTable;
  'api.idempotency_keys': IdempotencyKeysTable;
  integration_connectors: IntegrationConnectorsTable;
  connector_credentials: ConnectorCredentialsTable;
}

export type CompanyRow = Selectable<CompaniesTable>;
export type UserRow = Selectable<UsersTable>;
export type RoleRow = Selectable<RolesTable>;
export type UserRoleRow = Selectable<UserRolesTable>;
export type PermissionChangeRequestRow = Selectable<PermissionChangeRequestsTable>;
