import { type ApiWorld, call, type Company, CONNECTORS, withWorldAndCompany } from './api-kit';

// Validation errors a person understands: a missing field is "required", one sentence, while a
// present but wrong one still gets every rule it breaks.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

const post = (path: string, body: unknown) => call(world.app, 'POST', path, { token: acme.adminToken, body });

it('a missing required field says it is required, and nothing else', async () => {
  const answer = await post('/v1/roles', {});
  expect(answer.status).toBe(400);
  expect(answer.body.errors).toEqual([
    { field: 'code', messages: ['code is required'] },
    { field: 'name', messages: ['name is required'] },
  ]);
  expect(answer.body.detail).toBe('Invalid request: code, name');
});

it('a field that is there but wrong still names each rule it breaks', async () => {
  const answer = await post('/v1/roles', { code: 5, name: 'x'.repeat(1001) });
  expect(answer.status).toBe(400);
  const byField = Object.fromEntries(answer.body.errors.map((e: { field: string; messages: string[] }) => [e.field, e.messages]));
  expect(byField.code).toEqual(expect.arrayContaining([expect.stringMatching(/must be a string/)]));
  expect(byField.name).toEqual([expect.stringMatching(/shorter than or equal to 1000/)]);
});

it('required fields of other routes too, nested ones by their path, unknown fields as before', async () => {
  const connector = await post(CONNECTORS, { provider: 'mysql', connectorType: 'database', schedule: {} });
  expect(connector.body.errors).toEqual([{ field: 'config', messages: ['config is required'] }]);
  const reject = await post(`/v1/permission-change-requests/${acme.companyId}/reject`, { reasn: 'typo' });
  expect(reject.body.errors).toEqual(
    expect.arrayContaining([
      { field: 'reason', messages: ['reason is required'] },
      { field: 'reasn', messages: [expect.stringMatching(/should not exist/)] },
    ]),
  );
});
