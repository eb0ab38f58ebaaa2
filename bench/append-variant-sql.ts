import { migrationFiles } from '../libs/infra/src/database/migrate';

/**
 * Candidate rewrites of event_log.append, built from the migration's own text so that each
 * variant differs from the shipped function only by the edits listed here.
 */

export const VARIANT_SCHEMA = 'bench_variants';

export type Edit = Readonly<{ from: string; to: string }>;

const NOTIFY = "  PERFORM pg_notify('event_log', '');\n";
const HASH_CALL = 'v_hash := event_log.event_hash(';

export const EDITS = {
  /** Commits of notifying transactions serialise on one lock (async.c): take NOTIFY out. */
  noNotify: { from: NOTIFY, to: '' },
  /** Same hash, same canonical text, computed by a PL/pgSQL canonicaliser. */
  plpgsqlHash: { from: HASH_CALL, to: `v_hash := ${VARIANT_SCHEMA}.event_hash(` },
  /** A different hash input (jsonb's own text form): shows what hashing costs at all. */
  jsonbTextHash: { from: HASH_CALL, to: `v_hash := ${VARIANT_SCHEMA}.event_hash_jsonb_text(` },
  /** Lock the stream row first and create it only when missing: one statement fewer per append. */
  lockFirst: {
    from: `  INSERT INTO event_log.streams (stream_id, revision) VALUES (p_stream, -1) ON CONFLICT (stream_id) DO NOTHING;
  SELECT s.revision, s.last_hash INTO v_current, v_hash
    FROM event_log.streams s WHERE s.stream_id = p_stream FOR UPDATE;
`,
    to: `  SELECT s.revision, s.last_hash INTO v_current, v_hash
    FROM event_log.streams s WHERE s.stream_id = p_stream FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO event_log.streams (stream_id, revision) VALUES (p_stream, -1) ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision, s.last_hash INTO v_current, v_hash
      FROM event_log.streams s WHERE s.stream_id = p_stream FOR UPDATE;
  END IF;
`,
  },
  /** One INSERT for the whole batch instead of one per event (the hash chain stays a loop). */
  setInsertDeclare: { from: '  v_position bigint;\n', to: "  v_position bigint;\n  v_revs bigint[] := '{}';\n  v_evs jsonb[] := '{}';\n  v_metas jsonb[] := '{}';\n" },
  setInsertLoop: {
    from: `    INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata)
      VALUES (p_stream, v_revision, (v_event ->> 'eventId')::uuid, v_event ->> 'type', v_event -> 'data',
              v_metadata || jsonb_build_object('hash', v_hash))
      RETURNING global_position INTO v_position;
  END LOOP;
`,
    to: `    v_revs := v_revs || v_revision;
    v_evs := v_evs || v_event;
    v_metas := v_metas || (v_metadata || jsonb_build_object('hash', v_hash));
  END LOOP;
  WITH inserted AS (
    INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata)
      SELECT p_stream, r.rev, (r.ev ->> 'eventId')::uuid, r.ev ->> 'type', r.ev -> 'data', r.meta
        FROM unnest(v_revs, v_evs, v_metas) AS r(rev, ev, meta) ORDER BY r.rev
      RETURNING global_position)
  SELECT max(global_position) INTO v_position FROM inserted;
`,
  },
} satisfies Record<string, Edit>;

/** Helpers the variants call; canonical_json here returns exactly event_log.canonical_json's text. */
export const HELPERS_SQL = `
CREATE SCHEMA ${VARIANT_SCHEMA};
CREATE FUNCTION ${VARIANT_SCHEMA}.canonical_json(j jsonb) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
DECLARE
  v_out text;
  v_sep text := '';
  v_key text;
  v_val jsonb;
BEGIN
  CASE jsonb_typeof(j)
  WHEN 'object' THEN
    v_out := '{';
    FOR v_key, v_val IN SELECT e.key, e.value FROM jsonb_each(j) AS e ORDER BY e.key COLLATE "C" LOOP
      v_out := v_out || v_sep || to_jsonb(v_key)::text || ':' || ${VARIANT_SCHEMA}.canonical_json(v_val);
      v_sep := ',';
    END LOOP;
    RETURN v_out || '}';
  WHEN 'array' THEN
    v_out := '[';
    FOR v_val IN SELECT a FROM jsonb_array_elements(j) AS a LOOP
      v_out := v_out || v_sep || ${VARIANT_SCHEMA}.canonical_json(v_val);
      v_sep := ',';
    END LOOP;
    RETURN v_out || ']';
  ELSE
    RETURN j::text;
  END CASE;
END
$$;
CREATE FUNCTION ${VARIANT_SCHEMA}.event_hash(p_stream text, p_revision bigint, p_type text, p_data jsonb, p_metadata jsonb)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT encode(sha256(convert_to(${VARIANT_SCHEMA}.canonical_json(jsonb_build_object(
      'stream', p_stream, 'revision', p_revision, 'type', p_type,
      'data', p_data, 'metadata', p_metadata - 'hash')), 'UTF8')), 'hex')
  $$;
CREATE FUNCTION ${VARIANT_SCHEMA}.event_hash_jsonb_text(p_stream text, p_revision bigint, p_type text, p_data jsonb, p_metadata jsonb)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT encode(sha256(convert_to(jsonb_build_object(
      'stream', p_stream, 'revision', p_revision, 'type', p_type,
      'data', p_data, 'metadata', p_metadata - 'hash')::text, 'UTF8')), 'hex')
  $$;
GRANT USAGE ON SCHEMA ${VARIANT_SCHEMA} TO vibot_api;`;

function shippedAppendFunction(): string {
  const file = migrationFiles().find((f) => f.name === '002_event_log.sql');
  if (!file) throw new Error('migrations/002_event_log.sql not found');
  const start = file.sql.indexOf('CREATE FUNCTION event_log.append(');
  const end = file.sql.indexOf('\n$$;', start);
  if (start < 0 || end < 0) throw new Error('event_log.append not found in 002_event_log.sql');
  return file.sql.slice(start, end + '\n$$;'.length);
}

/** The shipped function with `edits` applied, renamed into the scratch schema, callable by the API. */
export function variantSql(name: string, edits: readonly Edit[]): { fn: string; sql: string } {
  const fn = `${VARIANT_SCHEMA}.append_${name}`;
  let sql = shippedAppendFunction().replace('CREATE FUNCTION event_log.append(', `CREATE FUNCTION ${fn}(`);
  for (const edit of edits) {
    if (!sql.includes(edit.from)) throw new Error(`variant ${name}: "${edit.from.trim()}" not found in event_log.append`);
    sql = sql.replace(edit.from, edit.to);
  }
  return { fn, sql: `${sql}\nGRANT EXECUTE ON FUNCTION ${fn}(text, text, jsonb) TO vibot_api;` };
}
