import { NOW, service, admin } from '../../test/company/company-fixtures';
import { operationsDecider } from './decider';

const skip = { projection: 'company', eventId: 'e', stream: 'company-x', revision: '3', type: 'RoleDefined', reason: ' poison event ' };

describe('operator records', () => {
  it('records a shredding and a skipped event, with the reason trimmed', () => {
    const state = operationsDecider.initialState();
    expect(operationsDecider.decide({ type: 'RecordKeysShredded', data: { companyId: 'c', dataKeys: 2, reason: 'GDPR' }, metadata: { actor: service, now: NOW } }, state)).toEqual([
      { type: 'CompanyKeysShredded', data: { companyId: 'c', dataKeys: 2, reason: 'GDPR', shreddedAt: NOW } },
    ]);
    expect(operationsDecider.decide({ type: 'RecordProjectionEventSkipped', data: skip, metadata: { actor: service, now: NOW } }, state)).toEqual([
      { type: 'ProjectionEventSkipped', data: { ...skip, reason: 'poison event' } },
    ]);
  });

  it('refuses people and empty reasons', () => {
    const state = operationsDecider.initialState();
    expect(() => operationsDecider.decide({ type: 'RecordProjectionEventSkipped', data: skip, metadata: { actor: admin, now: NOW } }, state)).toThrow(
      expect.objectContaining({ code: 'service_only' }),
    );
    expect(() => operationsDecider.decide({ type: 'RecordKeysShredded', data: { companyId: 'c', dataKeys: 0, reason: '  ' }, metadata: { actor: service, now: NOW } }, state)).toThrow(
      expect.objectContaining({ code: 'reason_required' }),
    );
  });
});
