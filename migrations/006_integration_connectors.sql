-- Integration connectors (seed 000) and their versioned credentials (seed 001), to the letter,
-- projected from the integrationConnector-<id> and connectorCredential-<connectorId> streams.
-- Credentials are pgcrypto (OpenPGP) ciphertext; the extension is what can read them.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE IF NOT EXISTS public.integration_connectors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    provider varchar(50) NOT NULL,
    connector_type varchar(30) NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'inactive',
    config jsonb NOT NULL DEFAULT '{}'::jsonb,
    schedule jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_synced_at timestamptz NULL,
    created_by uuid NOT NULL REFERENCES users(id),
    updated_by uuid NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE public.integration_connectors IS '连接器定义';
COMMENT ON COLUMN public.integration_connectors.id IS '连接器唯一标识';
COMMENT ON COLUMN public.integration_connectors.company_id IS '所属公司';
COMMENT ON COLUMN public.integration_connectors.provider IS '服务商（dingtalk、mysql 等）';
COMMENT ON COLUMN public.integration_connectors.connector_type IS '模式（webhook、database、file 等）';
COMMENT ON COLUMN public.integration_connectors.status IS '状态';
COMMENT ON COLUMN public.integration_connectors.config IS '非敏感配置';
COMMENT ON COLUMN public.integration_connectors.schedule IS '调度设置';
COMMENT ON COLUMN public.integration_connectors.last_synced_at IS '最近同步时间';
COMMENT ON COLUMN public.integration_connectors.created_by IS '创建人';
COMMENT ON COLUMN public.integration_connectors.updated_by IS '更新人';
COMMENT ON COLUMN public.integration_connectors.created_at IS '创建时间';
COMMENT ON COLUMN public.integration_connectors.updated_at IS '更新时间';
CREATE INDEX IF NOT EXISTS idx_integration_connectors_company_id ON public.integration_connectors(company_id);

ALTER TABLE public.integration_connectors ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Connectors readable within company"
    ON public.integration_connectors
    FOR SELECT
    USING (
      company_id = current_company_id()
    );

CREATE POLICY "Connectors manageable by admins"
    ON public.integration_connectors
    FOR ALL
    USING (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    )
    WITH CHECK (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    );

CREATE TABLE IF NOT EXISTS public.connector_credentials (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    connector_id uuid NOT NULL REFERENCES integration_connectors(id) ON DELETE CASCADE,
    version integer NOT NULL,
    secret_ciphertext bytea NOT NULL,
    checksum varchar(128) NOT NULL,
    rotated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    rotated_by uuid NULL REFERENCES users(id)
);
COMMENT ON TABLE public.connector_credentials IS '连接器凭据';
COMMENT ON COLUMN public.connector_credentials.id IS '凭据唯一标识';
COMMENT ON COLUMN public.connector_credentials.company_id IS '所属公司';
COMMENT ON COLUMN public.connector_credentials.connector_id IS '关联连接器';
COMMENT ON COLUMN public.connector_credentials.version IS '版本号';
COMMENT ON COLUMN public.connector_credentials.secret_ciphertext IS '使用 pgcrypto 加密后的密文';
COMMENT ON COLUMN public.connector_credentials.checksum IS '完整性校验';
COMMENT ON COLUMN public.connector_credentials.rotated_at IS '最近轮换时间';
COMMENT ON COLUMN public.connector_credentials.rotated_by IS '操作人';
CREATE INDEX IF NOT EXISTS idx_connector_credentials_company_id ON public.connector_credentials(company_id);
-- Not in the seed: one row per (connector, version), the projection's idempotency key. A separate
-- index rather than a table constraint, so the documented table definition stays as written.
CREATE UNIQUE INDEX IF NOT EXISTS uq_connector_credentials_connector_version
    ON public.connector_credentials(connector_id, version);

ALTER TABLE public.connector_credentials ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Connector credentials managed by admins"
    ON public.connector_credentials
    FOR ALL
    USING (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    )
    WITH CHECK (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    );

REVOKE ALL ON public.integration_connectors, public.connector_credentials FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.integration_connectors, public.connector_credentials TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.integration_connectors, public.connector_credentials TO service_role;
