-- Supabase-compatible database roles and the auth helpers, created only where missing so the
-- same migrations apply to a Supabase database that already has them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  -- The API's login: not an owner, not a superuser, no BYPASSRLS. NOINHERIT: it holds the
  -- privileges of `authenticated` only after SET ROLE, so a read that forgets it fails closed.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vibot_api') THEN
    CREATE ROLE vibot_api LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  -- The owner (projector, admin jobs) switches to service_role for projection writes.
  IF NOT pg_has_role(current_user, 'service_role', 'MEMBER') THEN
    EXECUTE format('GRANT service_role TO %I', current_user);
  END IF;
END $$;

GRANT anon, authenticated TO vibot_api;

CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

DO $$
BEGIN
  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb
      LANGUAGE sql STABLE
      AS $f$ SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $f$;
  END IF;
  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid
      LANGUAGE sql STABLE
      AS $f$
        SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                               auth.jwt() ->> 'sub'), '')::uuid
      $f$;
  END IF;
END $$;

-- The company of the caller, from the verified token; anything that is not a uuid is no company.
DO $$
BEGIN
  IF to_regprocedure('public.current_company_id()') IS NULL THEN
    CREATE FUNCTION public.current_company_id() RETURNS uuid
      LANGUAGE sql STABLE
      SET search_path = pg_catalog, pg_temp
      AS $f$
        SELECT CASE WHEN c ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN c::uuid END
        FROM (SELECT auth.jwt() ->> 'company_id' AS c) AS claim
      $f$;
  END IF;
END $$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), public.current_company_id() TO anon, authenticated, service_role;
