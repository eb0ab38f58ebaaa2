import { causeWithinBatch } from './causation';

const REQUEST_ID = '00000000-0000-4000-8000-00000000a001';
const approval = { type: 'PermissionChangeStepApproved', data: { requestId: REQUEST_ID } };
const approved = { type: 'PermissionChangeApproved', data: { requestId: REQUEST_ID } };
const granted = { type: 'RoleGranted', data: { requestId: REQUEST_ID, roleId: 'r' } };
const revoked = { type: 'RoleRevoked', data: { requestId: REQUEST_ID, roleId: 'r' } };

describe('causeWithinBatch', () => {
  it('points role changes applied by an approval at the approval step of the same request', () => {
    const batch = [approval, approved, granted, revoked];
    expect(causeWithinBatch(batch, granted)).toBe(0);
    expect(causeWithinBatch(batch, revoked)).toBe(0);
  });

  it('leaves direct grants (no request) and other events to the command', () => {
    const direct = { type: 'RoleGranted', data: { requestId: null } };
    expect(causeWithinBatch([approval, direct], direct)).toBeUndefined();
    expect(causeWithinBatch([approval, approved], approved)).toBeUndefined();
    expect(causeWithinBatch([approval], approval)).toBeUndefined();
  });

  it('needs the approval of that very request in the batch', () => {
    const otherApproval = { type: 'PermissionChangeStepApproved', data: { requestId: '00000000-0000-4000-8000-00000000a002' } };
    expect(causeWithinBatch([otherApproval, granted], granted)).toBeUndefined();
    expect(causeWithinBatch([granted], granted)).toBeUndefined();
  });
});
