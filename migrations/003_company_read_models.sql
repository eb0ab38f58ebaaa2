-- Read models for companies, users, role assignments and roles. Filled only by the projector
-- (as service_role); `authenticated` reads them through Row Level Security and writes nothing.

CREATE TABLE public.companies (
    id uuid PRIMARY KEY,
    name varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE public.companies IS 'Companies (tenants); projected from company-<id> streams.';

CREATE TABLE public.users (
    id uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    email varchar(254) NOT NULL,
    display_name varchar(200) NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (company_id, email)
);
CREATE INDEX IF NOT EXISTS idx_users_company_id ON public.users(company_id);
COMMENT ON TABLE public.users IS 'Users of a company; projected from company-<id> streams.';

-- Seed 002, to the letter.
CREATE TABLE IF NOT EXISTS public.roles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    code varchar(50) NOT NULL,
    name varchar(100) NOT NULL,
    description text NULL,
    scope varchar(30) NOT NULL DEFAULT 'global',
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE public.roles IS '公司内可分配的角色定义。';
COMMENT ON COLUMN public.roles.id IS '角色唯一标识';
COMMENT ON COLUMN public.roles.company_id IS '所属公司';
COMMENT ON COLUMN public.roles.code IS '角色编码';
COMMENT ON COLUMN public.roles.name IS '角色名称';
COMMENT ON COLUMN public.roles.description IS '角色说明';
COMMENT ON COLUMN public.roles.scope IS '作用域';
COMMENT ON COLUMN public.roles.created_at IS '创建时间';
COMMENT ON COLUMN public.roles.updated_at IS '更新时间';
CREATE INDEX IF NOT EXISTS idx_roles_company_id ON public.roles(company_id);

-- The assignments has_role() reads.
CREATE TABLE public.user_roles (
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    granted_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX IF NOT EXISTS idx_user_roles_company_id ON public.user_roles(company_id);
COMMENT ON TABLE public.user_roles IS 'Role assignments of users; what has_role() reads.';

-- The revision of each read-model row's entity, for ETag / If-Match, kept beside the
-- documented tables so that they stay exactly as documented.
CREATE TABLE public.entity_revisions (
    entity_type varchar(50) NOT NULL,
    entity_id uuid NOT NULL,
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    revision bigint NOT NULL,
    -- The last applied stream revision: replaying an event again changes nothing.
    stream_revision bigint NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
CREATE INDEX IF NOT EXISTS idx_entity_revisions_company_id ON public.entity_revisions(company_id);

-- Created only if missing (a Supabase project may bring its own); ours reads the assignments.
DO $$
BEGIN
  IF to_regprocedure('public.has_role(text)') IS NULL THEN
    CREATE FUNCTION public.has_role(p_code text) RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, pg_temp
      AS $f$
        SELECT EXISTS (
          SELECT 1 FROM public.user_roles ur JOIN public.roles r ON r.id = ur.role_id
           WHERE ur.user_id = auth.uid()
             AND ur.company_id = public.current_company_id()
             AND r.company_id = ur.company_id
             AND r.code = p_code)
      $f$;
  END IF;
END $$;
REVOKE ALL ON FUNCTION public.has_role(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.has_role(text) TO anon, authenticated, service_role;

ALTER TABLE public.companies ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Companies readable by members" ON public.companies
    FOR SELECT USING (id = current_company_id());

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users readable within company" ON public.users
    FOR SELECT USING (company_id = current_company_id());

ALTER TABLE public.user_roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Own assignments, or all for admins" ON public.user_roles
    FOR SELECT USING (company_id = current_company_id() AND (user_id = auth.uid() OR has_role('Vibot.admin')));

ALTER TABLE public.entity_revisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Revisions readable within company" ON public.entity_revisions
    FOR SELECT USING (company_id = current_company_id());

-- Seed 002's policies, as written.
ALTER TABLE public.roles ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Roles readable within company"
    ON public.roles
    FOR SELECT
    USING (
      company_id = current_company_id()
    );

CREATE POLICY "Roles manageable by admins"
    ON public.roles
    FOR ALL
    USING (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    )
    WITH CHECK (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    );

-- Projection checkpoints: written in the same transaction as the rows they account for.
CREATE TABLE public.projection_checkpoints (
    name text PRIMARY KEY,
    commit_position bigint NOT NULL DEFAULT 0,
    prepare_position bigint NOT NULL DEFAULT 0,
    events_applied bigint NOT NULL DEFAULT 0,
    status varchar(20) NOT NULL DEFAULT 'running',
    last_error text NULL,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE public.projection_checkpoints IS 'Last log position each projection applied; moved with compare-and-set.';

-- Grants: the read side is SELECT-only for `authenticated`; every change goes through a command.
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
REVOKE ALL ON public.companies, public.users, public.roles, public.user_roles, public.entity_revisions,
              public.projection_checkpoints FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.companies, public.users, public.roles, public.user_roles, public.entity_revisions
  TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.companies, public.users, public.roles, public.user_roles,
  public.entity_revisions, public.projection_checkpoints TO service_role;
REVOKE ALL ON public.schema_migrations FROM PUBLIC;
-- The API's own login reads checkpoints (X-Min-Position, readiness), nothing else here.
GRANT SELECT ON public.projection_checkpoints TO vibot_api;
