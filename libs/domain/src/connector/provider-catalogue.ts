// The providers a company may connect, kept in the domain so that "which
// provider supports which mode" and "which needs a secret" are business rules
// checked by the decider, not conventions scattered across adapters.
import { Invalid } from '../shared/domain-errors';

export const CONNECTOR_TYPES = ['webhook', 'database', 'file', 'api'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export const PROVIDERS = ['dingtalk', 'feishu', 'wecom', 'mysql', 'postgresql', 'webhook', 'sftp', 's3', 'http'] as const;
export type Provider = (typeof PROVIDERS)[number];

export type ProviderEntry = Readonly<{
  connectorTypes: readonly ConnectorType[];
  /** Activation is refused until a credential version is current. */
  needsCredential: boolean;
}>;

// `webhook` and `http` may reach public endpoints, so a credential is optional
// for them; every other provider cannot authenticate without one.
export const PROVIDER_CATALOGUE: Readonly<Record<Provider, ProviderEntry>> = {
  dingtalk: { connectorTypes: ['api', 'webhook'], needsCredential: true },
  feishu: { connectorTypes: ['api', 'webhook'], needsCredential: true },
  wecom: { connectorTypes: ['api', 'webhook'], needsCredential: true },
  mysql: { connectorTypes: ['database'], needsCredential: true },
  postgresql: { connectorTypes: ['database'], needsCredential: true },
  webhook: { connectorTypes: ['webhook'], needsCredential: false },
  sftp: { connectorTypes: ['file'], needsCredential: true },
  s3: { connectorTypes: ['file'], needsCredential: true },
  http: { connectorTypes: ['api'], needsCredential: false },
};

export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export function isConnectorType(value: unknown): value is ConnectorType {
  return typeof value === 'string' && (CONNECTOR_TYPES as readonly string[]).includes(value);
}

/** Exact, lower-case names only: the provider is stored and routed on verbatim. */
export function requireProvider(value: unknown): Provider {
  if (!isProvider(value)) {
    throw new Invalid('unknown_provider', 'Unknown connector provider', { supported: PROVIDERS });
  }
  return value;
}

export function requireSupportedType(provider: Provider, value: unknown): ConnectorType {
  const supported = PROVIDER_CATALOGUE[provider].connectorTypes;
  if (!isConnectorType(value) || !supported.includes(value)) {
    throw new Invalid('unsupported_connector_type', `Provider "${provider}" does not support this connector type`, {
      provider,
      supported,
    });
  }
  return value;
}

export function needsCredential(provider: Provider): boolean {
  return PROVIDER_CATALOGUE[provider].needsCredential;
}
