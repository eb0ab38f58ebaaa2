export const CONNECTORS = '/v1/integration-connectors';

/** A valid mysql connector body; override what the test is about. */
export const mysqlConnector = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  provider: 'mysql',
  connectorType: 'database',
  config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'reader' },
  schedule: {},
  ...overrides,
});
