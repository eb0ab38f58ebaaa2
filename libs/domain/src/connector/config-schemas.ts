// Per-provider config schemas, written by hand so the domain stays free of
// validation libraries. Config is non-secret by definition (secret-keys.ts runs
// first), flat, and closed: unknown keys are refused so a typo cannot silently
// turn into a default, and so nothing unreviewed is stored.
//
// | provider            | required                         | optional        |
// | ------------------- | -------------------------------- | --------------- |
// | mysql, postgresql   | host, port, database, user       | ssl             |
// | sftp                | host, port, user, path           |                 |
// | s3                  | bucket, region                   | prefix, endpoint|
// | webhook             | url (https)                      |                 |
// | http                | baseUrl (https)                  |                 |
// | dingtalk            | clientId, agentId                | corpId          |
// | feishu              | appId (cli_...)                  |                 |
// | wecom               | corpId, agentId                  |                 |
import { Invalid } from '../shared/domain-errors';
import {
  absolutePath,
  boolean,
  type ConfigValue,
  type FieldRule,
  host,
  httpsUrl,
  name,
  pattern,
  port,
  positiveInteger,
  relativePrefix,
} from './config-field-rules';
import type { Provider } from './provider-catalogue';

export type { ConfigValue } from './config-field-rules';
export type ConnectorConfig = Readonly<Record<string, ConfigValue>>;
export type ConfigSchema = Readonly<Record<string, FieldRule>>;
export type ConfigError = Readonly<{ path: string; message: string }>;

const required = (check: FieldRule['check']): FieldRule => ({ required: true, check });
const optional = (check: FieldRule['check']): FieldRule => ({ required: false, check });

// Public app identifiers of the messaging platforms (their secrets go to the credential).
const platformId = pattern(/^[A-Za-z0-9_-]{1,128}$/, 'an identifier of letters, digits, "_" or "-"');

const database: ConfigSchema = {
  host: required(host),
  port: required(port),
  database: required(name(64)),
  user: required(name(64)),
  ssl: optional(boolean),
};

export const CONFIG_SCHEMAS: Readonly<Record<Provider, ConfigSchema>> = {
  mysql: database,
  postgresql: database,
  sftp: { host: required(host), port: required(port), user: required(name(64)), path: required(absolutePath) },
  s3: {
    // S3 bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
    bucket: required(pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name (3-63 lower-case letters, digits, "." or "-")')),
    region: required(pattern(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'a region such as "us-east-1" or "cn-north-1"')),
    prefix: optional(relativePrefix),
    // S3-compatible stores (MinIO, OSS, COS) need their own endpoint.
    endpoint: optional(httpsUrl),
  },
  webhook: { url: required(httpsUrl) },
  http: { baseUrl: required(httpsUrl) },
  dingtalk: { clientId: required(platformId), agentId: required(positiveInteger), corpId: optional(platformId) },
  feishu: { appId: required(pattern(/^cli_[a-z0-9]{1,64}$/, 'a Feishu app id such as "cli_a1b2c3"')) },
  wecom: { corpId: required(platformId), agentId: required(positiveInteger) },
};

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every problem at once, so a form can highlight all bad fields in one round trip. */
export function checkConfig(provider: Provider, config: unknown): { config: ConnectorConfig; errors: readonly ConfigError[] } {
  if (!isPlainObject(config)) return { config: {}, errors: [{ path: 'config', message: 'must be an object' }] };
  const schema = CONFIG_SCHEMAS[provider];
  const errors: ConfigError[] = [];
  const normalized: Record<string, ConfigValue> = {};
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(schema, key)) errors.push({ path: `config.${key}`, message: 'is not a known field' });
  }
  for (const [key, rule] of Object.entries(schema)) {
    const value = config[key];
    if (value === undefined) {
      if (rule.required) errors.push({ path: `config.${key}`, message: 'is required' });
      continue;
    }
    const result = rule.check(value);
    if ('error' in result) errors.push({ path: `config.${key}`, message: result.error });
    else normalized[key] = result.ok;
  }
  return { config: normalized, errors };
}

export function validateConfig(provider: Provider, config: unknown): ConnectorConfig {
  const { config: normalized, errors } = checkConfig(provider, config);
  if (errors.length > 0) {
    throw new Invalid('invalid_config', `Config for provider "${provider}" is not valid`, { errors });
  }
  return normalized;
}
