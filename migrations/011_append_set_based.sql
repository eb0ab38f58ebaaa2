-- event_log.append, same contract, less work per event:
-- * Event ids already in the log are looked for only where they can matter: when the expected
--   revision does not hold (an idempotent retry lands here), or for 'any'/'stream_exists'.
--   Otherwise a reused id fails the unique index, which the adapter reports as VB422 too.
-- * The hash chain is computed in one pass, then all events go in with one INSERT.
DROP FUNCTION event_log.append(text, text, jsonb);
CREATE FUNCTION event_log.append(p_stream text, p_expected text, p_events jsonb)
  RETURNS TABLE (next_revision bigint, commit_position xid8, prepare_position bigint, last_hash text)
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_count    int := jsonb_array_length(p_events);
  v_current  bigint;
  v_hash     text;
  v_seen     record;
  v_event    jsonb;
  v_revision bigint;
  v_metadata jsonb;
  v_position bigint;
  v_metas    jsonb[] := '{}';
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'append needs at least one event' USING ERRCODE = 'VB400';
  END IF;
  IF p_expected !~ '^(no_stream|stream_exists|any|\d+)$' THEN
    RAISE EXCEPTION 'bad expected revision: %', p_expected USING ERRCODE = 'VB400';
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
  END IF;

  IF v_current IS NULL THEN
    -- The same ids at the same place: an idempotent retry, answered with the first result.
    SELECT count(*) AS n, min(e.stream_revision) AS first_rev, max(e.stream_revision) AS last_rev,
           bool_and(e.stream_id = p_stream) AS same_stream
      INTO v_seen FROM event_log.events e
     WHERE e.event_id = ANY (ARRAY(SELECT (x ->> 'eventId')::uuid FROM jsonb_array_elements(p_events) AS x));
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
    IF p_expected IN ('any', 'stream_exists') THEN
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
  END IF;

  IF v_current >= 0 THEN
    SELECT e.metadata ->> 'hash' INTO v_hash FROM event_log.events e
     WHERE e.stream_id = p_stream AND e.stream_revision = v_current;
  END IF;

  -- The chain: each event's hash covers the previous one's, so it is computed in order.
  v_revision := v_current;
  FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
    v_revision := v_revision + 1;
    v_metadata := (v_event -> 'metadata') || jsonb_build_object('prevHash', v_hash);
    v_hash := event_log.event_hash(p_stream, v_revision, v_event ->> 'type', v_event -> 'data', v_metadata);
    v_metas := v_metas || (v_metadata || jsonb_build_object('hash', v_hash));
  END LOOP;

  WITH inserted AS (
    INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata)
    SELECT p_stream, v_current + x.n, (x.e ->> 'eventId')::uuid, x.e ->> 'type', x.e -> 'data', v_metas[x.n]
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
     ORDER BY x.n
    RETURNING global_position)
  SELECT max(global_position) INTO v_position FROM inserted;

  -- No NOTIFY here: it would hold the notify queue lock through the commit's WAL flush and
  -- serialise every append. The adapter notifies right after commit instead.
  RETURN QUERY SELECT v_revision, pg_current_xact_id(), v_position, v_hash;
END
$$;
REVOKE ALL ON FUNCTION event_log.append(text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_log.append(text, text, jsonb) TO vibot_api, service_role;
