import { fold } from '../../shared/decider';
import { approvalChainFor, currentStep, distinctApproverCapacity, eligibleApprovers } from './approval-flow';
import { companyDecider } from '../decider';
import type { CompanyEvent } from '../events';
import {
  approved,
  approvedHistory,
  REQUEST_ID,
  rejected,
  requested,
  step,
  stepApproved,
  team,
  THIRD_ADMIN_ID,
} from '../../../test/company/request-fixtures';
import { diffProblem } from './request-rules';
import type { RegisteredCompany } from '../state';
import { ADMIN_ID, ADMIN_ROLE_ID, MEMBER_ID, roleGranted, SECOND_ADMIN_ID, uuid, withMemberAndRole } from '../../../test/company/company-fixtures';

const registered = (events: readonly CompanyEvent[]): RegisteredCompany => {
  const state = fold(companyDecider, events);
  if (state.status !== 'registered') throw new Error('expected a registered company');
  return state;
};

describe('approvalChainFor (the approval policy)', () => {
  it('asks one administrator by default', () => {
    expect(approvalChainFor({ grant: ['ops'], revoke: ['Vibot.admin'] })).toEqual([step(1)]);
    expect(approvalChainFor({ grant: [], revoke: ['ops'] })).toEqual([step(1)]);
  });

  it('asks two administrators to grant Vibot.admin', () => {
    expect(approvalChainFor({ grant: ['ops', 'Vibot.admin'], revoke: [] })).toEqual([step(1), step(2)]);
  });
});

describe('eligibleApprovers', () => {
  it('are the role holders minus the requester and the target', () => {
    const company = registered(team);
    expect(eligibleApprovers(company, { requesterId: MEMBER_ID, targetUserId: MEMBER_ID }, 'Vibot.admin')).toEqual([
      ADMIN_ID,
      SECOND_ADMIN_ID,
      THIRD_ADMIN_ID,
    ]);
    expect(eligibleApprovers(company, { requesterId: ADMIN_ID, targetUserId: SECOND_ADMIN_ID }, 'Vibot.admin')).toEqual([THIRD_ADMIN_ID]);
    expect(eligibleApprovers(company, { requesterId: MEMBER_ID, targetUserId: MEMBER_ID }, 'ops')).toEqual([]);
  });
});

describe('distinctApproverCapacity', () => {
  it('counts how many steps can get pairwise different approvers', () => {
    expect(distinctApproverCapacity([])).toBe(0);
    expect(distinctApproverCapacity([['a', 'b'], ['a', 'b']])).toBe(2);
    expect(distinctApproverCapacity([['a'], ['a']])).toBe(1);
    expect(distinctApproverCapacity([[], ['a']])).toBe(1);
    // A greedy pick of "a" for the first step would block the second one.
    expect(distinctApproverCapacity([['a', 'b'], ['a']])).toBe(2);
    expect(distinctApproverCapacity([['a', 'b'], ['a'], ['b']])).toBe(2);
  });
});

describe('diffProblem', () => {
  it('flags the last administrator even where the workflow cannot reach it', () => {
    // With the current policy an approver is an admin other than the target,
    // so the final re-check can never hit this; the rule is kept for future policies.
    expect(diffProblem(registered(withMemberAndRole), ADMIN_ID, { grant: [], revoke: ['Vibot.admin'] })?.code).toBe('last_admin');
    expect(diffProblem(registered(team), ADMIN_ID, { grant: [], revoke: ['Vibot.admin'] })).toBeUndefined();
  });
});

describe('request state', () => {
  it('moves the revision by one per request event, not per role change', () => {
    const company = registered(approvedHistory);
    expect(company.requests.get(REQUEST_ID)?.revision).toBe(3n);
  });

  it('points at the first pending step, and at none once all are approved', () => {
    const twoStep = [...team, requested({ diff: { grant: ['Vibot.admin'], revoke: [] }, approvalFlow: [step(1), step(2)] })];
    expect(currentStep(registered(twoStep).requests.get(REQUEST_ID)!)?.step).toBe(1);
    const half = [...twoStep, stepApproved(1, ADMIN_ID)];
    expect(currentStep(registered(half).requests.get(REQUEST_ID)!)?.step).toBe(2);
    const done = [...half, stepApproved(2, SECOND_ADMIN_ID), roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin', 'on call', REQUEST_ID), approved(SECOND_ADMIN_ID)];
    expect(currentStep(registered(done).requests.get(REQUEST_ID)!)).toBeUndefined();
  });

  it('never mutates the state it evolves from', () => {
    const before = registered([...team, requested()]);
    const requestsBefore = before.requests;
    const snapshot = JSON.stringify([...before.requests.values()], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
    const after = companyDecider.evolve(before, stepApproved(1, ADMIN_ID)) as RegisteredCompany;
    expect(before.requests).toBe(requestsBefore);
    expect(JSON.stringify([...before.requests.values()], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))).toBe(snapshot);
    expect(after.requests).not.toBe(before.requests);
    expect(after.requests.get(REQUEST_ID)?.approvalFlow[0]?.status).toBe('approved');
    expect(before.requests.get(REQUEST_ID)?.approvalFlow[0]?.status).toBe('pending');
  });

  it('ignores events about unknown requests so replay stays total', () => {
    const before = registered(team);
    const after = fold(companyDecider, [rejected(ADMIN_ID, { requestId: uuid(77) })], before) as RegisteredCompany;
    expect(after.requests.size).toBe(0);
  });
});
