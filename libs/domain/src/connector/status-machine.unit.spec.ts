import { InvalidTransition } from '../shared/domain-errors';
import { canTransition, CONNECTOR_STATUSES, type ConnectorStatus, nextStatus, type StatusTransition, STATUS_TRANSITIONS } from './status-machine';

const ALLOWED: readonly [ConnectorStatus, StatusTransition, ConnectorStatus | 'deleted'][] = [
  ['inactive', 'activate', 'active'],
  ['error', 'activate', 'active'],
  ['active', 'deactivate', 'inactive'],
  ['error', 'deactivate', 'inactive'],
  ['inactive', 'update', 'inactive'],
  ['active', 'update', 'active'],
  ['error', 'update', 'error'],
  ['inactive', 'delete', 'deleted'],
  ['active', 'delete', 'deleted'],
  ['error', 'delete', 'deleted'],
  ['active', 'syncSucceeded', 'active'],
  ['error', 'syncSucceeded', 'active'],
  ['active', 'syncFailed', 'active'],
  ['error', 'syncFailed', 'error'],
  ['active', 'failureThresholdReached', 'error'],
  ['error', 'failureThresholdReached', 'error'],
];

const ILLEGAL: readonly [ConnectorStatus, StatusTransition][] = [
  ['active', 'activate'],
  ['inactive', 'deactivate'],
  ['inactive', 'syncSucceeded'],
  ['inactive', 'syncFailed'],
  ['inactive', 'failureThresholdReached'],
];

describe('connector status machine', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, transition, to) => {
    expect(canTransition(from, transition)).toBe(true);
    expect(nextStatus(from, transition)).toBe(to);
  });

  it.each(ILLEGAL)('refuses %s --%s--> with InvalidTransition', (from, transition) => {
    expect(canTransition(from, transition)).toBe(false);
    let caught: unknown;
    try {
      nextStatus(from, transition);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidTransition);
    expect(caught).toMatchObject({ code: 'illegal_transition', details: { status: from, transition } });
  });

  it('the tests above cover every cell of the table', () => {
    const cells = (Object.keys(STATUS_TRANSITIONS) as StatusTransition[]).flatMap((t) =>
      CONNECTOR_STATUSES.map((s) => `${s}:${t}`),
    );
    const covered = [...ALLOWED.map(([s, t]) => `${s}:${t}`), ...ILLEGAL.map(([s, t]) => `${s}:${t}`)];
    expect(covered.sort()).toEqual(cells.sort());
  });
});
