-- The command side at constant cost, and membership behind every read.

-- Snapshots of folded aggregate state, so a fresh process does not fold a whole stream to
-- answer its first command. Keyed by the version of the code that folded them (a hash of the
-- domain's evolve code, upcasters and codec): a change of that code never reuses one. A cache,
-- not a source of truth: deleting every row loses nothing, and no command trusts one without
-- reading the events after it.
CREATE TABLE api.aggregate_snapshots (
    stream_id text NOT NULL,
    state_version text NOT NULL,
    revision bigint NOT NULL,
    last_hash text NULL,
    -- The state's JSON (see state-codec.ts), deflated (raw DEFLATE, RFC 1951).
    state bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (stream_id, state_version, revision)
);
-- Already deflated: stored out of line as it is, without PostgreSQL compressing it again.
ALTER TABLE api.aggregate_snapshots ALTER COLUMN state SET STORAGE EXTERNAL;
COMMENT ON TABLE api.aggregate_snapshots IS 'Folded aggregate state per stream and revision (a cache of the log; the newest few per stream are kept).';
GRANT SELECT, INSERT, DELETE ON api.aggregate_snapshots TO vibot_api;

-- When the key was first reserved, kept across take-overs: a retry after a crash looks for the
-- first attempt's events only among those appended since then.
ALTER TABLE api.idempotency_keys ADD COLUMN reserved_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- The append also answers the hash of the stream's last event, which command handlers keep
-- with the state they cached (same body as in 002 otherwise).
DROP FUNCTION event_log.append(text, text, jsonb);
CREATE FUNCTION event_log.append(p_stream text, p_expected text, p_events jsonb)
  RETURNS TABLE (next_revision bigint, commit_position xid8, prepare_position bigint, last_hash text)
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_count    int := jsonb_array_length(p_events);
  v_ids      uuid[] := ARRAY(SELECT (x ->> 'eventId')::uuid FROM jsonb_array_elements(p_events) AS x);
  v_current  bigint;
  v_hash     text;
  v_seen     record;
  v_event    jsonb;
  v_revision bigint;
  v_metadata jsonb;
  v_position bigint;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'append needs at least one event' USING ERRCODE = 'VB400';
  END IF;
  IF p_expected !~ '^(no_stream|stream_exists|any|\d+)$' THEN
    RAISE EXCEPTION 'bad expected revision: %', p_expected USING ERRCODE = 'VB400';
  END IF;

  SELECT count(*) AS n, min(e.stream_revision) AS first_rev, max(e.stream_revision) AS last_rev,
         bool_and(e.stream_id = p_stream) AS same_stream
    INTO v_seen FROM event_log.events e
   WHERE e.event_id = ANY (v_ids);
  IF v_seen.n > 0 THEN
    IF v_seen.n = v_count AND v_seen.same_stream AND v_seen.last_rev - v_seen.first_rev = v_count - 1
       AND (p_expected IN ('any', 'stream_exists')
            OR (p_expected = 'no_stream' AND v_seen.first_rev = 0)
            OR (p_expected ~ '^\d+$' AND v_seen.first_rev = p_expected::bigint + 1)) THEN
      RETURN QUERY SELECT e.stream_revision, e.transaction_id, e.global_position, e.metadata ->> 'hash'
        FROM event_log.events e WHERE e.stream_id = p_stream AND e.stream_revision = v_seen.last_rev;
      RETURN;
    END IF;
    RAISE EXCEPTION 'event ids already appended elsewhere in the log' USING ERRCODE = 'VB422';
  END IF;

  -- Claim the revisions: one statement locks the stream row, checks and advances it. A
  -- concurrent appender waits on the row lock, then finds the revision moved and fails.
  IF p_expected = 'no_stream' THEN
    INSERT INTO event_log.streams AS s (stream_id, revision) VALUES (p_stream, v_count - 1)
      ON CONFLICT (stream_id) DO NOTHING;
    v_current := CASE WHEN FOUND THEN -1 END;
  ELSIF p_expected ~ '^\d+$' THEN
    UPDATE event_log.streams s SET revision = s.revision + v_count
     WHERE s.stream_id = p_stream AND s.revision = p_expected::bigint;
    v_current := CASE WHEN FOUND THEN p_expected::bigint END;
  ELSE
    UPDATE event_log.streams s SET revision = s.revision + v_count
     WHERE s.stream_id = p_stream RETURNING s.revision - v_count INTO v_current;
    IF v_current IS NULL AND p_expected = 'any' THEN
      INSERT INTO event_log.streams AS s (stream_id, revision) VALUES (p_stream, v_count - 1)
        ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + v_count
        RETURNING s.revision - v_count INTO v_current;
    END IF;
  END IF;
  IF v_current IS NULL THEN
    SELECT s.revision INTO v_current FROM event_log.streams s WHERE s.stream_id = p_stream;
    RAISE EXCEPTION 'wrong expected version for stream %', p_stream
      USING ERRCODE = 'VB409', DETAIL = coalesce(v_current::text, 'no_stream');
  END IF;

  IF v_current >= 0 THEN
    SELECT e.metadata ->> 'hash' INTO v_hash FROM event_log.events e
     WHERE e.stream_id = p_stream AND e.stream_revision = v_current;
  END IF;

  v_revision := v_current;
  FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
    v_revision := v_revision + 1;
    v_metadata := (v_event -> 'metadata') || jsonb_build_object('prevHash', v_hash);
    v_hash := event_log.event_hash(p_stream, v_revision, v_event ->> 'type', v_event -> 'data', v_metadata);
    INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata)
      VALUES (p_stream, v_revision, (v_event ->> 'eventId')::uuid, v_event ->> 'type', v_event -> 'data',
              v_metadata || jsonb_build_object('hash', v_hash))
      RETURNING global_position INTO v_position;
  END LOOP;

  -- No NOTIFY here: it would hold the notify queue lock through the commit's WAL flush and
  -- serialise every append. The adapter notifies right after commit instead.
  RETURN QUERY SELECT v_revision, pg_current_xact_id(), v_position, v_hash;
END
$$;
REVOKE ALL ON FUNCTION event_log.append(text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_log.append(text, text, jsonb) TO vibot_api, service_role;

-- A token names its company; it is that company only while its subject is one of the company's
-- users. A valid token of a non-member (a stranger's sub, another company's user) reads nothing.
-- Replaced only where it is still the one 001 created, so a database that brings its own keeps it.
DO $$
BEGIN
  IF to_regprocedure('public.current_company_id()') IS NULL
     OR (SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure('public.current_company_id()')) LIKE '%AS c) AS claim%' THEN
    CREATE OR REPLACE FUNCTION public.current_company_id() RETURNS uuid
      LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, pg_temp
      AS $f$
        SELECT u.company_id FROM public.users u
         WHERE u.id = auth.uid()
           AND u.company_id = (SELECT CASE WHEN c ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN c::uuid END
                                 FROM (SELECT auth.jwt() ->> 'company_id' AS c) AS claim)
      $f$;
    COMMENT ON FUNCTION public.current_company_id() IS
      'The company of the verified token, only when auth.uid() is one of its users (vibot).';
  END IF;
END $$;
REVOKE ALL ON FUNCTION public.current_company_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.current_company_id() TO anon, authenticated, service_role;
