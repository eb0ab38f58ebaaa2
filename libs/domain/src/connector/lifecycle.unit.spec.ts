import type { Actor } from '../shared/decider';
import { Forbidden, Invalid, InvalidTransition, NotFound } from '../shared/domain-errors';
import type { ConnectorCommand, RecordSync } from './commands';
import {
  active,
  ADMIN_ID,
  asUser,
  cmd,
  CONNECTOR_ID,
  connectorActivated,
  connectorDeactivated,
  connectorDeleted,
  connectorFailed,
  connectorRegistered,
  connectorSynced,
  deleted,
  errored,
  LATER,
  MEMBER_ID,
  NOW,
  operator,
  outsider,
  registered,
  runtime,
  spec,
} from '../../test/connector/connector-fixtures';

const activate = (hasCurrentCredential = true, actor: Actor = asUser(ADMIN_ID), actorIsAdmin = true) =>
  cmd('ActivateConnector', { connectorId: CONNECTOR_ID, hasCurrentCredential, actorIsAdmin }, actor);
const deactivate = (actor: Actor = asUser(ADMIN_ID), actorIsAdmin = true) =>
  cmd('DeactivateConnector', { connectorId: CONNECTOR_ID, actorIsAdmin }, actor);
const remove = (actor: Actor = asUser(ADMIN_ID), actorIsAdmin = true) =>
  cmd('DeleteConnector', { connectorId: CONNECTOR_ID, actorIsAdmin }, actor);
const sync = (outcome: 'success' | 'failure', extra: Partial<RecordSync['data']> = {}, actor: Actor = runtime) =>
  cmd('RecordSync', { connectorId: CONNECTOR_ID, syncedAt: LATER, outcome, ...extra }, actor);

describe('ActivateConnector', () => {
  it('activates an inactive connector that has a current credential', () => {
    const { state } = spec.given(registered).when(activate()).then([connectorActivated()]);
    expect(state).toMatchObject({ status: 'active', revision: 2n });
  });

  it('refuses a provider that needs a credential when none is current', () => {
    const error = spec.given(registered).when(activate(false)).thenThrows(Invalid, 'credential_required');
    expect(error.details).toEqual({ provider: 'mysql' });
  });

  it('activates credential-free providers without one', () => {
    const webhook = connectorRegistered({ provider: 'webhook', connectorType: 'webhook', config: { url: 'https://h.acme.test' } });
    spec.given([webhook]).when(activate(false)).then([connectorActivated()]);
  });

  it('re-arms an errored connector and resets its failure count', () => {
    const { state } = spec.given(errored).when(activate()).then([connectorActivated()]);
    expect(state).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('refuses to activate an active connector', () => {
    const error = spec.given(active).when(activate()).thenThrows(InvalidTransition, 'illegal_transition');
    expect(error.details).toEqual({ status: 'active', transition: 'activate' });
  });
});

describe('DeactivateConnector', () => {
  it.each([
    ['active', active],
    ['error', errored],
  ])('deactivates an %s connector', (_status, history) => {
    const { state } = spec.given(history).when(deactivate()).then([connectorDeactivated()]);
    expect(state.status).toBe('inactive');
  });

  it('refuses to deactivate an inactive connector', () => {
    spec.given(registered).when(deactivate()).thenThrows(InvalidTransition, 'illegal_transition');
  });
});

describe('DeleteConnector', () => {
  it.each([
    ['inactive', registered],
    ['active', active],
    ['error', errored],
  ])('deletes an %s connector', (_status, history) => {
    const { state } = spec.given(history).when(remove()).then([connectorDeleted()]);
    expect(state.status).toBe('deleted');
  });

  it.each<[string, ConnectorCommand]>([
    ['Update', cmd('UpdateConnector', { connectorId: CONNECTOR_ID, actorIsAdmin: true })],
    ['Activate', activate()],
    ['Deactivate', deactivate()],
    ['Delete', remove()],
    ['RecordSync', sync('success')],
  ])('then refuses %s with NotFound', (_name, command) => {
    spec.given(deleted).when(command).thenThrows(NotFound, 'connector_not_found');
  });
});

describe('authorization of admin commands', () => {
  it.each<[string, (actor: Actor, isAdmin: boolean) => ConnectorCommand]>([
    ['Activate', (actor, isAdmin) => activate(true, actor, isAdmin)],
    ['Deactivate', (actor, isAdmin) => deactivate(actor, isAdmin)],
    ['Delete', (actor, isAdmin) => remove(actor, isAdmin)],
  ])('%s: non-admin is Forbidden, other company NotFound, services Forbidden', (_name, build) => {
    spec.given(active).when(build(asUser(MEMBER_ID), false)).thenThrows(Forbidden, 'not_admin');
    spec.given(active).when(build(outsider, true)).thenThrows(NotFound, 'connector_not_found');
    spec.given(active).when(build(runtime, true)).thenThrows(Forbidden, 'runtime_may_only_record_sync');
    spec.given(active).when(build(operator, true)).thenThrows(Forbidden, 'not_admin');
  });

  it('checks the company before the admin fact, so other tenants learn nothing', () => {
    spec.given(active).when(remove(outsider, false)).thenThrows(NotFound, 'connector_not_found');
  });
});

describe('RecordSync', () => {
  it('records a success and moves lastSyncedAt', () => {
    const { state } = spec.given(active).when(sync('success', { detail: ' 42 rows ' })).then([connectorSynced('success', 0, LATER, '42 rows')]);
    expect(state).toMatchObject({ status: 'active', lastSyncedAt: LATER, revision: 3n });
  });

  it('does not move lastSyncedAt backwards on a late report', () => {
    const history = [...active, connectorSynced('success', 0, LATER)];
    const { state } = spec.given(history).when(sync('success', { syncedAt: NOW })).then(expect.any(Array));
    expect(state).toMatchObject({ lastSyncedAt: LATER });
  });

  it('counts failures without touching lastSyncedAt, and fails on the third in a row', () => {
    const twice = [...active, connectorSynced('failure', 1), connectorSynced('failure', 2)];
    const { state } = spec.given(twice).when(sync('failure', { detail: 'timeout' })).then([
      connectorSynced('failure', 3, LATER, 'timeout'),
      connectorFailed(3),
    ]);
    expect(state).toMatchObject({ status: 'error', lastSyncedAt: null, consecutiveFailures: 3 });
    spec.given([...active, connectorSynced('failure', 1)]).when(sync('failure')).then([connectorSynced('failure', 2)]);
  });

  it('resets the count on success, so failures must be in a row', () => {
    const history = [...active, connectorSynced('failure', 1), connectorSynced('failure', 2), connectorSynced('success', 0)];
    spec.given(history).when(sync('failure')).then([connectorSynced('failure', 1)]);
  });

  it('keeps counting in error without failing again, and a success clears the error', () => {
    spec.given(errored).when(sync('failure')).then([connectorSynced('failure', 4)]);
    const { state } = spec.given(errored).when(sync('success')).then([connectorSynced('success', 0)]);
    expect(state).toMatchObject({ status: 'active', consecutiveFailures: 0, lastSyncedAt: LATER });
  });

  it('refuses reports for an inactive connector', () => {
    spec.given(registered).when(sync('success')).thenThrows(InvalidTransition, 'illegal_transition');
  });

  it('is only for the connector runtime', () => {
    spec.given(active).when(sync('success', {}, asUser(ADMIN_ID))).thenThrows(Forbidden, 'runtime_only');
    spec.given(active).when(sync('success', {}, operator)).thenThrows(Forbidden, 'runtime_only');
  });

  it.each([['yesterday'], ['2025-03-04'], ['2025-03-04T05:06:07'], ['2025-13-04T05:06:07Z']])('refuses syncedAt %j', (syncedAt) => {
    spec.given(active).when(sync('success', { syncedAt })).thenThrows(Invalid, 'invalid_synced_at');
  });

  it('refuses an unknown outcome and truncates a long detail', () => {
    spec.given(active).when(sync('partial' as 'success')).thenThrows(Invalid, 'invalid_outcome');
    const [event] = spec.given(active).when(sync('failure', { detail: 'x'.repeat(5000) })).then(expect.any(Array)).events;
    expect(event?.type === 'ConnectorSynced' && event.data.detail?.length).toBe(2000);
  });
});
