-- The built-in event log: the source of truth and the audit trail.
CREATE SCHEMA IF NOT EXISTS event_log;

CREATE TABLE event_log.events (
  global_position bigserial PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL,
  event_id        uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  -- Readers order by (transaction_id, global_position) and stop below the oldest running
  -- transaction, so an event whose transaction commits late is never skipped.
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (stream_id, stream_revision)
);
CREATE INDEX events_log_order ON event_log.events (transaction_id, global_position);

-- One row per stream: its revision, moved by one conditional UPDATE that locks, checks the
-- expected revision and advances it at once.
CREATE TABLE event_log.streams (
  stream_id text   PRIMARY KEY,
  revision  bigint NOT NULL
);

-- The hash covers jsonb's own text rendering of {stream, revision, type, data, metadata - hash}:
-- keys ordered by length then bytes, ", " and ": " separators, numbers as numeric renders them.
-- It is canonical (jsonb normalises on input) and costs microseconds; hash-chain.ts renders the
-- same text in JS so an auditor can verify the chain without PostgreSQL.
CREATE FUNCTION event_log.event_hash(p_stream text, p_revision bigint, p_type text, p_data jsonb, p_metadata jsonb)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT encode(sha256(convert_to(jsonb_build_object(
      'stream', p_stream, 'revision', p_revision, 'type', p_type,
      'data', p_data, 'metadata', p_metadata - 'hash')::text, 'UTF8')), 'hex')
  $$;

/*
  Appends events to one stream in one round trip.
  p_expected: 'no_stream' | 'stream_exists' | 'any' | a revision (digits).
  p_events: [{ "eventId", "type", "data", "metadata" }, ...]
  Errors: SQLSTATE VB409 with DETAIL = the stream's actual revision (or 'no_stream') on a
  version mismatch; VB422 when event ids were already used elsewhere.
  Re-appending the same event ids at the same place returns the first result and adds nothing.
*/
CREATE FUNCTION event_log.append(p_stream text, p_expected text, p_events jsonb)
  RETURNS TABLE (next_revision bigint, commit_position xid8, prepare_position bigint)
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
      RETURN QUERY SELECT e.stream_revision, e.transaction_id, e.global_position
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
  RETURN QUERY SELECT v_revision, pg_current_xact_id(), v_position;
END
$$;

REVOKE ALL ON FUNCTION event_log.append(text, text, jsonb) FROM PUBLIC;
GRANT USAGE ON SCHEMA event_log TO vibot_api, service_role;
-- The API appends only through event_log.append (which keeps the hash chain) and reads streams
-- for command handling and audit; it can neither update nor delete the log.
GRANT EXECUTE ON FUNCTION event_log.append(text, text, jsonb) TO vibot_api, service_role;
GRANT SELECT ON event_log.events, event_log.streams TO vibot_api, service_role;
