-- Idempotency keys stop outliving what they protect (issue 11):
-- * request_hash held an unkeyed SHA-256 of the whole request, a rotation's secret included, so
--   a guessed secret could be confirmed offline. The API now stores an HMAC under a key derived
--   from the master key, and no secret at all for routes that carry one. The old hashes are
--   overwritten with a marker that matches any retry: a key used before the upgrade still
--   answers its first answer (nothing runs twice) until it expires.
-- * company_id, so that shredding a company removes its entries.
-- * reserved_at indexed, so that entries past IDEMPOTENCY_KEY_TTL_SECONDS are swept by range.
UPDATE api.idempotency_keys SET request_hash = 'legacy-unkeyed';
ALTER TABLE api.idempotency_keys ADD COLUMN company_id uuid;
UPDATE api.idempotency_keys k SET company_id = u.company_id FROM public.users u WHERE u.id = k.user_id;
DELETE FROM api.idempotency_keys WHERE company_id IS NULL;
ALTER TABLE api.idempotency_keys ALTER COLUMN company_id SET NOT NULL;
CREATE INDEX idempotency_keys_reserved_at ON api.idempotency_keys (reserved_at);
CREATE INDEX idempotency_keys_company ON api.idempotency_keys (company_id);
COMMENT ON COLUMN api.idempotency_keys.request_hash IS
  'HMAC-SHA256 (key derived from the master key) of method, path and body without secret fields';
