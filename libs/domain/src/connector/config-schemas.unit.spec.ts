import { Invalid } from '../shared/domain-errors';
import { checkConfig, CONFIG_SCHEMAS, validateConfig } from './config-schemas';
import { PROVIDERS, type Provider } from './provider-catalogue';

// One valid config per provider; each invalid case below changes one field.
const VALID: Readonly<Record<Provider, Record<string, unknown>>> = {
  mysql: { host: 'db.acme.test', port: 3306, database: 'crm', user: 'reader', ssl: true },
  postgresql: { host: '10.0.0.5', port: 5432, database: 'erp', user: 'etl' },
  sftp: { host: 'files.acme.test', port: 22, user: 'drop', path: '/incoming/daily' },
  s3: { bucket: 'acme-exports', region: 'cn-north-1', prefix: 'crm/', endpoint: 'https://oss.acme.test' },
  webhook: { url: 'https://hooks.acme.test/in?channel=ops' },
  http: { baseUrl: 'https://api.acme.test:8443/v2' },
  dingtalk: { clientId: 'dingabc123', agentId: 123456, corpId: 'ding-corp' },
  feishu: { appId: 'cli_a1b2c3' },
  wecom: { corpId: 'ww1234abcd', agentId: 1000002 },
};

type Case = [Provider, string, unknown];

const INVALID: readonly Case[] = [
  ...(['mysql', 'postgresql'] as const).flatMap((provider): Case[] => [
    [provider, 'host', ''],
    [provider, 'host', 'bad host'],
    [provider, 'host', 'a..b'],
    [provider, 'host', 3306],
    [provider, 'port', 0],
    [provider, 'port', 65536],
    [provider, 'port', 22.5],
    [provider, 'port', '5432'],
    [provider, 'database', ''],
    [provider, 'database', 'has space'],
    [provider, 'database', 'd'.repeat(65)],
    [provider, 'user', ''],
    [provider, 'user', 42],
    [provider, 'ssl', 'yes'],
  ]),
  ['sftp', 'host', '-leading-dash'],
  ['sftp', 'port', -22],
  ['sftp', 'user', ' '],
  ['sftp', 'path', 'relative/dir'],
  ['sftp', 'path', ''],
  ['s3', 'bucket', 'Acme_Exports'],
  ['s3', 'bucket', 'ab'],
  ['s3', 'region', 'mars'],
  ['s3', 'region', 'US-EAST-1'],
  ['s3', 'prefix', '/absolute'],
  ['s3', 'prefix', 7],
  ['s3', 'endpoint', 'http://minio.acme.test'],
  ['webhook', 'url', 'http://hooks.acme.test/in'],
  ['webhook', 'url', 'hooks.acme.test/in'],
  ['webhook', 'url', 'https://user:pw@hooks.acme.test/in'],
  ['webhook', 'url', 'https://hooks.acme.test/in?access_token=abc'],
  ['webhook', 'url', 'https://hooks.acme.test/in#frag'],
  ['webhook', 'url', 'https://bad host/in'],
  ['webhook', 'url', 'https://hooks.acme.test:99999/'],
  ['http', 'baseUrl', 'ftp://api.acme.test'],
  ['http', 'baseUrl', `https://api.acme.test/${'p'.repeat(2048)}`],
  ['dingtalk', 'clientId', 'has space'],
  ['dingtalk', 'agentId', 0],
  ['dingtalk', 'agentId', '123'],
  ['dingtalk', 'corpId', ''],
  ['feishu', 'appId', 'a1b2c3'],
  ['feishu', 'appId', 'cli_'],
  ['wecom', 'corpId', 'ww/1'],
  ['wecom', 'agentId', 1.5],
];

describe('config schemas', () => {
  it('has a schema for every provider in the catalogue', () => {
    expect(Object.keys(CONFIG_SCHEMAS).sort()).toEqual([...PROVIDERS].sort());
  });

  it.each(PROVIDERS.map((provider) => [provider]))('accepts a valid %s config unchanged', (provider) => {
    expect(validateConfig(provider, VALID[provider])).toEqual(VALID[provider]);
  });

  it.each(INVALID)('%s: rejects %s = %j', (provider, field, value) => {
    const { errors } = checkConfig(provider, { ...VALID[provider], [field]: value });
    expect(errors).toEqual([{ path: `config.${field}`, message: expect.any(String) }]);
  });

  it.each(PROVIDERS.flatMap((provider) => Object.entries(CONFIG_SCHEMAS[provider]).filter(([, rule]) => rule.required).map(([field]) => [provider, field])))(
    '%s: requires %s',
    (provider, field) => {
      const config = { ...VALID[provider as Provider] };
      delete config[field as string];
      expect(checkConfig(provider as Provider, config).errors).toEqual([{ path: `config.${field}`, message: 'is required' }]);
    },
  );

  it.each(PROVIDERS.map((provider) => [provider]))('%s: refuses unknown keys', (provider) => {
    expect(checkConfig(provider, { ...VALID[provider], surprise: 1 }).errors).toEqual([
      { path: 'config.surprise', message: 'is not a known field' },
    ]);
  });

  it('accepts optional fields being absent, and trims strings', () => {
    expect(validateConfig('s3', { bucket: 'acme-exports', region: 'us-east-1' })).toEqual({ bucket: 'acme-exports', region: 'us-east-1' });
    expect(validateConfig('sftp', { host: ' h.acme.test ', port: 22, user: ' u ', path: '/x ' })).toEqual({
      host: 'h.acme.test',
      port: 22,
      user: 'u',
      path: '/x',
    });
  });

  it.each([[null], [[]], ['text'], [42]])('refuses a non-object config %j', (config) => {
    expect(checkConfig('mysql', config).errors).toEqual([{ path: 'config', message: 'must be an object' }]);
  });

  it('accepts IPv6 hosts, bare and in URLs', () => {
    expect(checkConfig('mysql', { ...VALID.mysql, host: '::1' }).errors).toEqual([]);
    expect(checkConfig('http', { baseUrl: 'https://[2001:db8::1]:8443/x' }).errors).toEqual([]);
  });

  it('never quotes a rejected value in its messages', () => {
    const error = (() => {
      try {
        validateConfig('webhook', { url: 'https://u:SeCrEt-VaLuE@h.acme.test/?token=SeCrEt-VaLuE2' });
      } catch (caught) {
        return caught as Invalid;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(Invalid);
    expect(JSON.stringify([error.message, error.details])).not.toMatch(/SeCrEt-VaLuE/);
  });
});
