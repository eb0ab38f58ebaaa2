import fc from 'fast-check';
import { Invalid } from '../shared/domain-errors';
import { assertNoSecrets, CREDENTIALS_ENDPOINT, findSecretKeyPaths, isSecretLikeKey } from './secret-keys';

function refusal(config: unknown): Invalid {
  try {
    assertNoSecrets(config);
  } catch (error) {
    if (error instanceof Invalid) return error;
    throw error;
  }
  throw new Error('expected secret_in_config');
}

describe('isSecretLikeKey', () => {
  it.each([
    'password', 'PASSWORD', 'Passwd', 'dbPassword', 'db_password', 'Pass_Word',
    'secret', 'clientSecret', 'client_secret', 'CLIENT-SECRET', 'token', 'accessToken', 'refresh_token',
    'apiKey', 'api_key', 'API-KEY', 'x-api-key', 'privateKey', 'private_key', 'accessKey', 'access-key-id',
    'credential', 'credentials', 'Credentials', 'pwd', 'passphrase', 'p_a_s_s_w_o_r_d',
  ])('flags %j', (key) => {
    expect(isSecretLikeKey(key)).toBe(true);
  });

  it.each(['host', 'port', 'user', 'database', 'url', 'baseUrl', 'clientId', 'agentId', 'appId', 'bucket', 'region', 'keyId', 'pass'])(
    'leaves %j alone',
    (key) => {
      expect(isSecretLikeKey(key)).toBe(false);
    },
  );
});

describe('findSecretKeyPaths', () => {
  it('finds keys at any depth, in objects and arrays, without descending into them', () => {
    const config = {
      host: 'h',
      auth: { Api_Key: 'v1', nested: { deeper: [{ ok: 1 }, { 'client-secret': 'v2' }] } },
      list: [[{ token: { inner: 'v3' } }]],
      credentials: { password: 'v4' },
    };
    expect(findSecretKeyPaths(config)).toEqual([
      'config.auth.Api_Key',
      'config.auth.nested.deeper[1]["client-secret"]',
      'config.list[0][0].token',
      'config.credentials',
    ]);
  });

  it('ignores values that merely look secret, and non-objects', () => {
    expect(findSecretKeyPaths({ note: 'password', list: ['token'] })).toEqual([]);
    expect(findSecretKeyPaths(null)).toEqual([]);
    expect(findSecretKeyPaths('password')).toEqual([]);
  });

  it('survives a cyclic object', () => {
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic['a'] as Record<string, unknown>)['back'] = cyclic;
    expect(findSecretKeyPaths(cyclic)).toEqual([]);
  });
});

describe('assertNoSecrets', () => {
  it('points to the credentials endpoint and lists paths, never values', () => {
    const error = refusal({ host: 'h', nested: { PASSWORD: 'correct-horse-battery' } });
    expect(error.code).toBe('secret_in_config');
    expect(error.message).toContain(CREDENTIALS_ENDPOINT);
    expect(error.details).toEqual({ paths: ['config.nested.PASSWORD'], credentialsEndpoint: CREDENTIALS_ENDPOINT });
    expect(JSON.stringify([error.message, error.details])).not.toContain('correct-horse-battery');
  });

  it('passes a clean config', () => {
    expect(() => assertNoSecrets({ host: 'h', port: 1 })).not.toThrow();
  });
});

describe('secret detector (property)', () => {
  const BASES = ['password', 'passwd', 'secret', 'token', 'apiKey', 'api_key', 'privateKey', 'accessKey', 'clientSecret', 'credentials'];
  // Random case and separators, with optional innocent affixes ("dbPassword").
  const secretKeyArb = fc
    .tuple(fc.constantFrom(...BASES), fc.constantFrom('', 'db', 'my_', 'X-'), fc.constantFrom('', '_1', 'Value'), fc.infiniteStream(fc.boolean()))
    .map(([base, prefix, suffix, flips]) => {
      const key = [...`${prefix}${base}${suffix}`].map((ch) => (flips.next().value ? ch.toUpperCase() : ch.toLowerCase())).join('');
      return key.replace(/_/g, () => (flips.next().value ? '-' : '_'));
    });
  // Innocent keys and a marker-heavy value that cannot occur in any path or message by chance.
  const plainKeyArb = fc.constantFrom('alpha', 'beta', 'items', 'nested', 'list', 'host');
  const valueArb = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `v@l!${s}`);

  type Wrap = { kind: 'object'; key: string; siblings: string[] } | { kind: 'array'; index: number };
  const wrapArb: fc.Arbitrary<Wrap> = fc.oneof(
    fc.record({ kind: fc.constant('object' as const), key: plainKeyArb, siblings: fc.array(plainKeyArb, { maxLength: 2 }) }),
    fc.record({ kind: fc.constant('array' as const), index: fc.nat({ max: 2 }) }),
  );

  it('refuses a secret-like key at any depth and never echoes its value', () => {
    fc.assert(
      fc.property(secretKeyArb, valueArb, fc.array(wrapArb, { maxLength: 6 }), (key, value, wraps) => {
        let node: unknown = { [key]: value };
        for (const wrap of wraps) {
          if (wrap.kind === 'array') node = [...Array.from({ length: wrap.index }, () => 0), node];
          else node = { ...Object.fromEntries(wrap.siblings.filter((s) => s !== wrap.key).map((s) => [s, value])), [wrap.key]: node };
        }
        const error = refusal(node);
        expect(error.code).toBe('secret_in_config');
        expect((error.details?.['paths'] as string[]).some((path) => path.endsWith(key) || path.endsWith(`[${JSON.stringify(key)}]`))).toBe(true);
        expect(JSON.stringify([error.message, error.details])).not.toContain(value);
      }),
    );
  });
});
