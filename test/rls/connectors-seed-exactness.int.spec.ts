import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Seeds 000 and 001, to the letter: what migrations/006 must produce. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('the documented tables are exactly as seeds 000 and 001 say', () => {
  async function columns(table: string): Promise<unknown[]> {
    const { rows } = await db.owner.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default, col_description($1::regclass, ordinal_position) AS comment
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $2 ORDER BY ordinal_position`,
      [`public.${table}`, table],
    );
    return rows.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable, c.column_default, c.comment]);
  }
  async function meta(table: string) {
    const rel = `public.${table}`;
    const q = async (sql: string, param: string): Promise<unknown[]> => (await db.owner.query(sql, [param])).rows;
    return {
      comment: (await q(`SELECT obj_description($1::regclass) AS c`, rel))[0],
      rls: (await q(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass`, rel))[0],
      foreignKeys: await q(`SELECT a.attname AS column, c.confrelid::regclass::text AS refs, c.confdeltype AS on_delete
                              FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                             WHERE c.conrelid = $1::regclass AND c.contype = 'f' ORDER BY a.attname`, rel),
      indexes: await q(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`, table),
      policies: await q(`SELECT policyname, cmd, permissive, roles::text[] AS roles, qual, with_check FROM pg_policies
                          WHERE schemaname = 'public' AND tablename = $1 ORDER BY policyname`, table),
      grants: await q(`SELECT grantee, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges FROM information_schema.role_table_grants
                        WHERE table_schema = 'public' AND table_name = $1 AND grantee IN ('anon', 'authenticated', 'service_role', 'PUBLIC', 'vibot_api')
                        GROUP BY grantee ORDER BY grantee`, table),
    };
  }
  const admins = "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))";
  const grants = [
    { grantee: 'authenticated', privileges: 'SELECT' },
    { grantee: 'service_role', privileges: 'DELETE,INSERT,SELECT,UPDATE' },
  ];

  it('public.integration_connectors (seed 000)', async () => {
    expect(await columns('integration_connectors')).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '连接器唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['provider', 'character varying', 50, 'NO', null, '服务商（dingtalk、mysql 等）'],
      ['connector_type', 'character varying', 30, 'NO', null, '模式（webhook、database、file 等）'],
      ['status', 'character varying', 20, 'NO', "'inactive'::character varying", '状态'],
      ['config', 'jsonb', null, 'NO', "'{}'::jsonb", '非敏感配置'],
      ['schedule', 'jsonb', null, 'NO', "'{}'::jsonb", '调度设置'],
      ['last_synced_at', 'timestamp with time zone', null, 'YES', null, '最近同步时间'],
      ['created_by', 'uuid', null, 'NO', null, '创建人'],
      ['updated_by', 'uuid', null, 'YES', null, '更新人'],
      ['created_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '创建时间'],
      ['updated_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '更新时间'],
    ]);
    expect(await meta('integration_connectors')).toEqual({
      comment: { c: '连接器定义' },
      rls: { relrowsecurity: true, relforcerowsecurity: false },
      foreignKeys: [
        { column: 'company_id', refs: 'companies', on_delete: 'c' },
        { column: 'created_by', refs: 'users', on_delete: 'a' },
        { column: 'updated_by', refs: 'users', on_delete: 'a' },
      ],
      indexes: [
        { indexdef: 'CREATE INDEX idx_integration_connectors_company_id ON public.integration_connectors USING btree (company_id)' },
        { indexdef: 'CREATE UNIQUE INDEX integration_connectors_pkey ON public.integration_connectors USING btree (id)' },
      ],
      policies: [
        { policyname: 'Connectors manageable by admins', cmd: 'ALL', permissive: 'PERMISSIVE', roles: ['public'], qual: admins, with_check: admins },
        { policyname: 'Connectors readable within company', cmd: 'SELECT', permissive: 'PERMISSIVE', roles: ['public'], qual: '(company_id = current_company_id())', with_check: null },
      ],
      grants,
    });
  });

  it('public.connector_credentials (seed 001), plus one unique index on (connector_id, version)', async () => {
    expect(await columns('connector_credentials')).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '凭据唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['connector_id', 'uuid', null, 'NO', null, '关联连接器'],
      ['version', 'integer', null, 'NO', null, '版本号'],
      ['secret_ciphertext', 'bytea', null, 'NO', null, '使用 pgcrypto 加密后的密文'],
      ['checksum', 'character varying', 128, 'NO', null, '完整性校验'],
      ['rotated_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '最近轮换时间'],
      ['rotated_by', 'uuid', null, 'YES', null, '操作人'],
    ]);
    expect(await meta('connector_credentials')).toEqual({
      comment: { c: '连接器凭据' },
      rls: { relrowsecurity: true, relforcerowsecurity: false },
      foreignKeys: [
        { column: 'company_id', refs: 'companies', on_delete: 'c' },
        { column: 'connector_id', refs: 'integration_connectors', on_delete: 'c' },
        { column: 'rotated_by', refs: 'users', on_delete: 'a' },
      ],
      indexes: [
        { indexdef: 'CREATE UNIQUE INDEX connector_credentials_pkey ON public.connector_credentials USING btree (id)' },
        { indexdef: 'CREATE INDEX idx_connector_credentials_company_id ON public.connector_credentials USING btree (company_id)' },
        { indexdef: 'CREATE UNIQUE INDEX uq_connector_credentials_connector_version ON public.connector_credentials USING btree (connector_id, version)' },
      ],
      policies: [{ policyname: 'Connector credentials managed by admins', cmd: 'ALL', permissive: 'PERMISSIVE', roles: ['public'], qual: admins, with_check: admins }],
      grants,
    });
    const { rows } = await db.owner.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pgcrypto'`);
    expect(rows[0].n).toBe(1);
  });
});
