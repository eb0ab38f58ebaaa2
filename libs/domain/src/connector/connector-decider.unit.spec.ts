import { Conflict, Forbidden, Invalid, NotFound } from '../shared/domain-errors';
import type { RegisterConnector, UpdateConnector } from './commands';
import { connectorStreamName } from './decider';
import {
  active,
  ADMIN_ID,
  asUser,
  cmd,
  COMPANY_ID,
  CONNECTOR_ID,
  connectorRegistered,
  DAILY,
  deleted,
  MEMBER_ID,
  MYSQL_CONFIG,
  NOW,
  operator,
  OTHER_COMPANY_ID,
  outsider,
  registered,
  runtime,
  spec,
  uuid,
} from '../../test/connector/connector-fixtures';

const register = (overrides: Partial<RegisterConnector['data']> = {}, actor = asUser(ADMIN_ID)) =>
  cmd(
    'RegisterConnector',
    {
      connectorId: CONNECTOR_ID,
      companyId: COMPANY_ID,
      provider: 'mysql',
      connectorType: 'database',
      config: { ...MYSQL_CONFIG },
      schedule: {},
      actorIsAdmin: true,
      ...overrides,
    },
    actor,
  );

const update = (overrides: Partial<UpdateConnector['data']> = {}, actor = asUser(ADMIN_ID)) =>
  cmd('UpdateConnector', { connectorId: CONNECTOR_ID, actorIsAdmin: true, ...overrides }, actor);

describe('connectorStreamName', () => {
  it('prefixes the connector id', () => {
    expect(connectorStreamName(CONNECTOR_ID)).toBe(`integrationConnector-${CONNECTOR_ID}`);
  });
});

describe('RegisterConnector', () => {
  it('registers an inactive connector with normalised config and schedule, at revision 1', () => {
    const { state } = spec
      .given([])
      .when(register({ config: { ...MYSQL_CONFIG, host: ' db.acme.test ' }, schedule: { cron: ' 0  9 * * mon-fri ', timezone: 'Asia/Shanghai', enabled: true } }))
      .then([connectorRegistered({ schedule: DAILY })]);
    expect(state).toMatchObject({ status: 'inactive', revision: 1n, lastSyncedAt: null, consecutiveFailures: 0 });
  });

  it('emits JSON-native events only', () => {
    const [event] = spec.given([]).when(register()).then([connectorRegistered()]).events;
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('refuses non-admins, services and the runtime', () => {
    spec.given([]).when(register({ actorIsAdmin: false }, asUser(MEMBER_ID))).thenThrows(Forbidden, 'not_admin');
    spec.given([]).when(register({}, operator)).thenThrows(Forbidden, 'not_admin');
    spec.given([]).when(register({}, runtime)).thenThrows(Forbidden, 'runtime_may_only_record_sync');
  });

  it('refuses registering into another company', () => {
    spec.given([]).when(register({ companyId: OTHER_COMPANY_ID })).thenThrows(Forbidden, 'other_company');
  });

  it('refuses malformed ids', () => {
    spec.given([]).when(register({ connectorId: 'not-a-uuid' })).thenThrows(Invalid, 'invalid_id');
  });

  it('never reuses an id, deleted connectors included', () => {
    spec.given(registered).when(register()).thenThrows(Conflict, 'connector_exists');
    spec.given(deleted).when(register()).thenThrows(Conflict, 'connector_exists');
  });

  it.each([['oracle'], ['MySQL'], [''], [undefined]])('refuses unknown provider %p', (provider) => {
    const error = spec.given([]).when(register({ provider: provider as string })).thenThrows(Invalid, 'unknown_provider');
    expect(error.details).toEqual({ supported: expect.arrayContaining(['mysql', 's3']) });
  });

  it.each([
    ['mysql', 'file'],
    ['s3', 'database'],
    ['webhook', 'api'],
    ['http', 'webhook'],
    ['mysql', 'streaming'],
  ])('refuses provider %s with type %s', (provider, connectorType) => {
    spec.given([]).when(register({ provider, connectorType })).thenThrows(Invalid, 'unsupported_connector_type');
  });

  it('lists every bad config field at once', () => {
    const error = spec
      .given([])
      .when(register({ config: { host: 'db.acme.test', port: 70000, extra: 1 } }))
      .thenThrows(Invalid, 'invalid_config');
    expect(error.details).toEqual({
      errors: [
        { path: 'config.extra', message: 'is not a known field' },
        { path: 'config.port', message: expect.stringContaining('1 to 65535') },
        { path: 'config.database', message: 'is required' },
        { path: 'config.user', message: 'is required' },
      ],
    });
  });

  it('reports a secret before anything else, naming paths but not values', () => {
    const config = { host: 'db', nested: [{ DB_Password: 'hunter2-value' }] };
    const error = spec.given([]).when(register({ provider: 'nope', config })).thenThrows(Invalid, 'secret_in_config');
    expect(error.details).toMatchObject({ paths: ['config.nested[0].DB_Password'] });
    expect(error.message).toContain('/credentials');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('hunter2-value');
  });

  it('refuses an invalid schedule, and any timer on a webhook', () => {
    const error = spec
      .given([])
      .when(register({ schedule: { cron: '61 * * * *', timezone: 'Mars/Base', enabled: 'yes' } }))
      .thenThrows(Invalid, 'invalid_schedule');
    expect((error.details?.['errors'] as { path: string }[]).map((e) => e.path)).toEqual([
      'schedule.cron.minute',
      'schedule.timezone',
      'schedule.enabled',
    ]);
    spec
      .given([])
      .when(register({ provider: 'webhook', connectorType: 'webhook', config: { url: 'https://hooks.acme.test/in' }, schedule: DAILY }))
      .thenThrows(Invalid, 'invalid_schedule');
  });
});

describe('UpdateConnector', () => {
  it('replaces config and schedule, keeping omitted fields', () => {
    const config = { ...MYSQL_CONFIG, port: 3307 };
    const { state } = spec
      .given(registered)
      .when(update({ config }))
      .then([
        {
          type: 'ConnectorUpdated',
          data: { connectorId: CONNECTOR_ID, companyId: COMPANY_ID, config, schedule: {}, updatedBy: ADMIN_ID, updatedAt: NOW },
        },
      ]);
    expect(state).toMatchObject({ revision: 2n, config, status: 'inactive' });
    spec.given(active).when(update({ schedule: DAILY })).then([expect.objectContaining({ data: expect.objectContaining({ config: MYSQL_CONFIG, schedule: DAILY }) })]);
  });

  it('emits nothing when nothing changes, even if spelled differently', () => {
    spec.given(registered).when(update()).thenNothingHappened();
    spec.given(registered).when(update({ config: { ...MYSQL_CONFIG, host: ' db.acme.test' }, schedule: {} })).thenNothingHappened();
    spec
      .given([connectorRegistered({ schedule: DAILY })])
      .when(update({ schedule: { cron: '0 9 * * mon-fri', timezone: 'Asia/Shanghai', enabled: true } }))
      .thenNothingHappened();
  });

  it('checks the expected revision', () => {
    spec.given(registered).when(update({ expectedRevision: 1n, config: { ...MYSQL_CONFIG, port: 1 } })).then(expect.any(Array));
    const error = spec.given(active).when(update({ expectedRevision: 1n })).thenThrows(Conflict, 'stale_revision');
    expect(error.currentRevision).toBe(2n);
  });

  it('applies the same config and schedule rules as registration', () => {
    spec.given(registered).when(update({ config: { ...MYSQL_CONFIG, port: 0 } })).thenThrows(Invalid, 'invalid_config');
    spec.given(registered).when(update({ config: { ...MYSQL_CONFIG, apiKey: 'k' } })).thenThrows(Invalid, 'secret_in_config');
    spec.given(registered).when(update({ schedule: { cron: '* * *', timezone: 'UTC', enabled: true } })).thenThrows(Invalid, 'invalid_schedule');
  });

  it('refuses non-admins, other companies, services and deleted or unknown connectors', () => {
    spec.given(registered).when(update({ actorIsAdmin: false }, asUser(MEMBER_ID))).thenThrows(Forbidden, 'not_admin');
    spec.given(registered).when(update({}, outsider)).thenThrows(NotFound, 'connector_not_found');
    spec.given(registered).when(update({}, runtime)).thenThrows(Forbidden, 'runtime_may_only_record_sync');
    spec.given(deleted).when(update()).thenThrows(NotFound, 'connector_not_found');
    spec.given([]).when(update({ connectorId: uuid(99) })).thenThrows(NotFound, 'connector_not_found');
  });
});
