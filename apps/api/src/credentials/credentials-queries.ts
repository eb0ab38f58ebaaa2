import { Injectable } from '@nestjs/common';
import { readAsUser } from '#infra/database/database';
import { ApiRuntime } from '../api-runtime';
import type { RequestUser } from '../http/request-user';
import type { CredentialVersionDto } from './credential-dtos';

/**
 * Credential versions as the caller through RLS. Only admins may read connector_credentials: for
 * other members the rows do not exist, so they get an empty list, not a 403 (a 403 would need a
 * second, non-RLS check that could drift from the policy). Ciphertext is never selected.
 */
@Injectable()
export class CredentialsQueries {
  constructor(private readonly runtime: ApiRuntime) {}

  async versions(user: RequestUser, connectorId: string): Promise<CredentialVersionDto[]> {
    const rows = await readAsUser(
      this.runtime.pool,
      user.claims,
      this.runtime.db
        .selectFrom('connector_credentials')
        .select(['version', 'checksum', 'rotated_at', 'rotated_by'])
        .where('connector_id', '=', connectorId)
        .orderBy('version', 'desc'),
    );
    return rows.map((row) => ({ version: row.version, checksum: row.checksum, rotatedAt: row.rotated_at.toISOString(), rotatedBy: row.rotated_by }));
  }
}
