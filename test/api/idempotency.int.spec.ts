import { createApiApp } from '../../apps/api/src/create-api-app';
import { ApiRuntime } from '../../apps/api/src/api-runtime';
import { requestFingerprint } from '../../apps/api/src/idempotency/request-fingerprint';
import { type ApiWorld, call, type Company, countEvents, withWorldAndCompany } from './api-kit';

let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

/** The fingerprint the API stores for POST /v1/roles with this body. */
const fingerprint = (body: object) => requestFingerprint(world.app.get(ApiRuntime).fingerprintKey, { method: 'POST', path: '/v1/roles', body });

const post = (key: string, body: object, token = acme.adminToken) =>
  call(world.app, 'POST', '/v1/roles', { token, body, headers: { 'idempotency-key': key } });

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, appending nothing', async () => {
    const first = await post('create-auditor', { code: 'auditor', name: 'Auditor' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const events = await countEvents(world.db);

    // Same body with its keys in another order is the same request.
    const again = await post('create-auditor', { name: 'Auditor', code: 'auditor' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await countEvents(world.db)).toBe(events);
  });

  it('refuses the same key with another body (422)', async () => {
    await post('create-reader', { code: 'reader', name: 'Reader' });
    const reuse = await post('create-reader', { code: 'reader', name: 'Reader 2' });
    expect(reuse.status).toBe(422);
    expect(reuse.body.code).toBe('idempotency_key_reuse');
    const otherRoute = await call(world.app, 'POST', '/v1/users', {
      token: acme.adminToken,
      body: { code: 'reader', name: 'Reader' },
      headers: { 'idempotency-key': 'create-reader' },
    });
    expect(otherRoute.status).toBe(422);
  });

  it('does not remember errors: the key is free again after a failed request', async () => {
    const failed = await post('fix-and-retry', { code: '1nvalid', name: 'Bad' });
    expect(failed.status).toBe(422);
    const fixed = await post('fix-and-retry', { code: 'valid', name: 'Good' });
    expect(fixed.status).toBe(201);
  });

  it('answers 409 while a request with the key is still in flight', async () => {
    const body = { code: 'slow', name: 'Slow' };
    await world.db.owner.query('INSERT INTO api.idempotency_keys (user_id, company_id, key, request_hash) VALUES ($1, $2, $3, $4)', [
      acme.adminUserId,
      acme.companyId,
      'in-flight',
      fingerprint(body),
    ]);
    const answer = await post('in-flight', body);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('idempotency_key_in_flight');
  });

  it('recovers a key whose first attempt died after appending: same answer, no new events', async () => {
    const body = { code: 'crashy', name: 'Crashy' };
    const first = await post('crash-after-append', body);
    expect(first.status).toBe(201);
    const events = await countEvents(world.db);
    // What a process killed between append and storing the answer leaves behind.
    await world.db.owner.query(
      `UPDATE api.idempotency_keys SET status_code = NULL, response = NULL, created_at = now() - interval '2 minutes'
        WHERE user_id = $1 AND key = $2`,
      [acme.adminUserId, 'crash-after-append'],
    );
    const retried = await post('crash-after-append', body);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expect(await countEvents(world.db)).toBe(events);
    const replay = await post('crash-after-append', body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('takes over a key whose first attempt died before appending', async () => {
    const body = { code: 'never-appended', name: 'Never appended' };
    await world.db.owner.query(
      `INSERT INTO api.idempotency_keys (user_id, company_id, key, request_hash, created_at)
       VALUES ($1, $2, $3, $4, now() - interval '2 minutes')`,
      [acme.adminUserId, acme.companyId, 'crash-before-append', fingerprint(body)],
    );
    const answer = await post('crash-before-append', body);
    expect(answer.status).toBe(201);
    expect(answer.body.revision).toBe('1');
  });

  it('keys are per user: another user may use the same key', async () => {
    const other = await world.registerCompany('Other');
    await post('shared-key', { code: 'shared', name: 'Shared' });
    const theirs = await post('shared-key', { code: 'shared', name: 'Shared' }, other.adminToken);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.stream).toBe(`company-${other.companyId}`);
  });

  it('replays PATCH and DELETE answers too, even after the state moved on', async () => {
    const { body: role } = await post('create-patchable', { code: 'patchable', name: 'Patchable' });
    const patch = (key: string) =>
      call(world.app, 'PATCH', `/v1/roles/${role.id}`, {
        token: acme.adminToken,
        body: { name: 'Patched' },
        headers: { 'if-match': '"1"', 'idempotency-key': key },
      });
    const first = await patch('patch-1');
    expect(first.body.revision).toBe('2');
    const replay = await patch('patch-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.etag).toBe('"2"');

    const remove = () =>
      call(world.app, 'DELETE', `/v1/roles/${role.id}`, { token: acme.adminToken, headers: { 'idempotency-key': 'delete-1' } });
    const deleted = await remove();
    expect(deleted.status).toBe(200);
    const events = await countEvents(world.db);
    const again = await remove();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(deleted.body);
    expect(await countEvents(world.db)).toBe(events);
  });

  it('still replays from a new app instance on the same database (a restart)', async () => {
    const first = await post('survives-restart', { code: 'durable', name: 'Durable' });
    expect(first.status).toBe(201);
    const events = await countEvents(world.db);
    const restarted = await createApiApp({ config: world.config, apiDatabaseUrl: world.db.apiUrl, logger: false });
    try {
      const replay = await call(restarted, 'POST', '/v1/roles', {
        token: acme.adminToken,
        body: { code: 'durable', name: 'Durable' },
        headers: { 'idempotency-key': 'survives-restart' },
      });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    } finally {
      await restarted.close();
    }
    expect(await countEvents(world.db)).toBe(events);
  });

  it('refuses keys longer than 200 characters (400)', async () => {
    const answer = await post('k'.repeat(201), { code: 'long', name: 'Long' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_idempotency_key');
    expect((await post('k'.repeat(200), { code: 'long', name: 'Long' })).status).toBe(201);
  });
});
