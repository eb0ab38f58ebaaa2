// Public entry of the connector aggregate: its commands, events, state, decider and the rules
// (provider catalogue, config schemas, secrets, cron schedules, status machine) the API reuses.
export type {
  ActivateConnector,
  ConnectorCommand,
  ConnectorCommandType,
  DeactivateConnector,
  DeleteConnector,
  RecordSync,
  RegisterConnector,
  UpdateConnector,
} from './commands';
export {
  type ConnectorActivated,
  type ConnectorDeactivated,
  type ConnectorDeleted,
  type ConnectorEvent,
  type ConnectorEventType,
  type ConnectorFailed,
  type ConnectorRegistered,
  type ConnectorSynced,
  type ConnectorUpdated,
  CONNECTOR_EVENT_TYPES,
  isConnectorEventType,
} from './events';
export {
  type AbsentConnector,
  type ConnectorState,
  type DeletedConnector,
  evolveConnector,
  initialConnectorState,
  type LiveConnector,
} from './state';
export { connectorDecider, connectorStreamName, decideConnector } from './decider';
export { CONNECTOR_RUNTIME_SERVICE } from './authorization';
export {
  CONNECTOR_TYPES,
  type ConnectorType,
  isConnectorType,
  isProvider,
  needsCredential,
  PROVIDER_CATALOGUE,
  type Provider,
  type ProviderEntry,
  PROVIDERS,
} from './provider-catalogue';
export {
  checkConfig,
  CONFIG_SCHEMAS,
  type ConfigError,
  type ConfigValue,
  type ConnectorConfig,
  validateConfig,
} from './config-schemas';
export { assertNoSecrets, CREDENTIALS_ENDPOINT, findSecretKeyPaths, isSecretLikeKey } from './secret-keys';
export { checkCron, CRON_FIELDS, normalizeCron } from './cron-expression';
export {
  checkSchedule,
  type ConnectorSchedule,
  type CronSchedule,
  isCronSchedule,
  isValidTimeZone,
  type ManualSchedule,
  validateSchedule,
} from './schedule';
export {
  canTransition,
  CONNECTOR_STATUSES,
  type ConnectorStatus,
  FAILURES_BEFORE_ERROR,
  nextStatus,
  STATUS_TRANSITIONS,
  type StatusTransition,
} from './status-machine';
