-- Keys for credential secrets, kept OUT of the event log so they can be destroyed
-- (crypto-shredding) while the log stays immutable. Company keys are wrapped by the master
-- key from configuration; data keys (one per credential version) by their company's key.
CREATE SCHEMA IF NOT EXISTS keystore;

CREATE TABLE keystore.company_keys (
    company_id uuid PRIMARY KEY,
    wrapped_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE keystore.data_keys (
    key_id uuid PRIMARY KEY,
    company_id uuid NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX data_keys_company_id ON keystore.data_keys (company_id);

REVOKE ALL ON SCHEMA keystore FROM PUBLIC;
GRANT USAGE ON SCHEMA keystore TO vibot_api, service_role;
GRANT SELECT, INSERT, DELETE ON keystore.company_keys, keystore.data_keys TO vibot_api, service_role;
