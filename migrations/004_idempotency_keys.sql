-- Durable Idempotency-Key answers: the same key and body returns the first answer, even after
-- a restart; the same key with another body is refused. Private to the API's login.
CREATE SCHEMA IF NOT EXISTS api;
CREATE TABLE api.idempotency_keys (
    user_id uuid NOT NULL,
    key varchar(200) NOT NULL,
    request_hash text NOT NULL,
    status_code int NULL,
    response jsonb NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, key)
);
COMMENT ON TABLE api.idempotency_keys IS 'First answer per (user, Idempotency-Key); status_code NULL while in flight.';
REVOKE ALL ON SCHEMA api FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO vibot_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.idempotency_keys TO vibot_api;
