// Random command sequences for the permission-request property tests
// (company/permission-requests/requests-invariants.unit.spec.ts). Test-only; not part of the public API.
import fc from 'fast-check';
import type { Actor } from '../../src/shared/decider';
import type { CompanyCommand } from '../../src/company/commands';
import type { CompanyEvent } from '../../src/company/events';
import { COLLEAGUE_ID } from './request-fixtures';
import type { RequestState } from '../../src/company/permission-requests/request-state';
import { ADMIN_ROLE_CODE } from '../../src/company/roles/role-rules';
import type { RegisteredCompany } from '../../src/company/state';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  bootstrap,
  MEMBER_ID,
  OTHER_ROLE_ID,
  ROLE_ID,
  roleDefined,
  roleGranted,
  SECOND_ADMIN_ID,
  service,
  userRegistered,
  uuid,
} from './company-fixtures';

// Five users (two admins, "ops" already held by a member) and four roles: small
// pools make clashes (same target, same role) common.
const FIFTH_ID = uuid(15);
const USERS = [ADMIN_ID, SECOND_ADMIN_ID, MEMBER_ID, COLLEAGUE_ID, FIFTH_ID];
const CODES = [ADMIN_ROLE_CODE, 'ops', 'dev', 'qa'];
const requestIdAt = (n: number) => uuid(50 + n);
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export const start: readonly CompanyEvent[] = [
  ...bootstrap,
  userRegistered(SECOND_ADMIN_ID, 'second@acme.test'),
  userRegistered(MEMBER_ID, 'member@acme.test'),
  userRegistered(COLLEAGUE_ID, 'colleague@acme.test'),
  userRegistered(FIFTH_ID, 'fifth@acme.test'),
  roleDefined(ROLE_ID, 'ops'),
  roleDefined(OTHER_ROLE_ID, 'dev'),
  roleDefined(uuid(24), 'qa'),
  roleGranted(SECOND_ADMIN_ID, ADMIN_ROLE_ID, ADMIN_ROLE_CODE),
  roleGranted(MEMBER_ID, ROLE_ID, 'ops'),
];

// Each intent moves the clock forward (possibly by zero) before it runs. The
// state is passed in only to pick among existing requests (to decide on, to
// twin, or to cancel as their requester); nothing else depends on it.
type Build = (now: string, state: RegisteredCompany) => CompanyCommand;
export type Intent = Readonly<{ advance: number; build: Build }>;

const actorArb: fc.Arbitrary<Actor> = fc.oneof(
  { arbitrary: fc.constantFrom(...USERS).map((userId) => asUser(userId)), weight: 9 },
  { arbitrary: fc.constant(service), weight: 1 },
);
// Deciders are drawn mostly from the initial admins so that approvals are frequent.
const deciderArb: fc.Arbitrary<Actor> = fc.oneof(
  { arbitrary: fc.constantFrom(ADMIN_ID, SECOND_ADMIN_ID).map((userId) => asUser(userId)), weight: 2 },
  { arbitrary: actorArb, weight: 1 },
);
const requesterOf = (state: RegisteredCompany, requestId: string): Actor =>
  asUser(state.requests.get(requestId)?.requesterId ?? MEMBER_ID);

// Decisions mostly address an open request (pending, deadline not reached),
// else they would almost always hit an unknown id; sometimes any known one
// (decided or overdue), sometimes an unknown one.
type Target = Readonly<{ kind: 'open' | 'any' | 'unknown'; index: number }>;
const targetArb: fc.Arbitrary<Target> = fc.record({
  kind: fc.constantFrom<Target['kind']>('open', 'open', 'open', 'open', 'any', 'unknown'),
  index: fc.nat(),
});
const isOpen = (request: RequestState, now: string) => request.status === 'pending' && Date.parse(now) < Date.parse(request.expiresAt);
function resolve(state: RegisteredCompany, { kind, index }: Target, now: string): string {
  const all = [...state.requests.values()];
  const pool = kind === 'open' ? all.filter((request) => isOpen(request, now)) : all;
  const chosen = pool[index % Math.max(pool.length, 1)];
  return kind === 'unknown' || chosen === undefined ? uuid(99) : chosen.requestId;
}
const newRequestIdArb = fc.nat({ max: 29 }).map(requestIdAt);
const advanceArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 10 },
  { arbitrary: fc.constant(HOUR), weight: 5 },
  { arbitrary: fc.constant(DAY), weight: 3 },
  { arbitrary: fc.constant(8 * DAY), weight: 1 },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
// Mostly one role at a time, so that valid and competing requests are common;
// sometimes free subsets, to reach empty and overlapping diffs.
const codeArb = fc.constantFrom('ops', 'ops', 'dev', ADMIN_ROLE_CODE, ADMIN_ROLE_CODE, 'qa');
const diffArb = fc.oneof(
  { arbitrary: codeArb.map((code) => ({ grant: [code], revoke: [] })), weight: 4 },
  { arbitrary: codeArb.map((code) => ({ grant: [], revoke: [code] })), weight: 2 },
  { arbitrary: fc.record({ grant: fc.subarray(CODES, { maxLength: 2 }), revoke: fc.subarray(CODES, { maxLength: 1 }) }), weight: 2 },
);
export const iso = (ms: number) => new Date(ms).toISOString();

// Rare but important situations, built from the current state: a twin of a
// pending request (competing requests, so the final re-check can fail) and the
// demotion of a current admin (so the last-admin rule is reached).
type Shape = 'free' | 'twin' | 'demote';
type Shaped = Readonly<{ targetUserId: string; grant: readonly string[]; revoke: readonly string[] }>;
function shapeRequest(state: RegisteredCompany, shape: Shape, index: number, now: string): Shaped | undefined {
  if (shape === 'twin') {
    const open = [...state.requests.values()].filter((request) => isOpen(request, now));
    const twin = open[index % Math.max(open.length, 1)];
    return twin === undefined ? undefined : { targetUserId: twin.targetUserId, ...twin.diff };
  }
  if (shape === 'demote') {
    const admins = USERS.filter((userId) => state.assignments.get(userId)?.has(ADMIN_ROLE_ID) === true);
    const target = admins[index % Math.max(admins.length, 1)];
    return target === undefined ? undefined : { targetUserId: target, grant: [], revoke: [ADMIN_ROLE_CODE] };
  }
  return undefined;
}

const commandArb: fc.Arbitrary<Build> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        requestId: newRequestIdArb,
        actor: actorArb,
        // Non-admin targets twice as likely: admin targets mostly end in not_enough_approvers.
        targetUserId: fc.constantFrom(...USERS, MEMBER_ID, COLLEAGUE_ID),
        diff: diffArb,
        ttl: maybe(fc.constantFrom(HOUR, 2 * DAY)),
        shape: fc.constantFrom<Shape>('free', 'free', 'free', 'free', 'twin', 'twin', 'demote'),
        index: fc.nat(),
      })
      .map(({ requestId, actor, targetUserId, diff, ttl, shape, index }): Build => (now, state) => {
        const shaped = shapeRequest(state, shape, index, now) ?? { targetUserId, ...diff };
        const expiry = ttl === undefined ? {} : { expiresAt: iso(Date.parse(now) + ttl) };
        return { type: 'RequestPermissionChange', data: { requestId, ...shaped, reason: 'prop', ...expiry }, metadata: { actor, now } };
      }),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({ target: targetArb, actor: deciderArb, expectedRevision: fc.option(fc.constantFrom(1n, 2n), { nil: undefined, freq: 2 }) })
      .map(({ target, actor, expectedRevision }): Build => (now, state) => ({
        type: 'ApproveRequest',
        data: { requestId: resolve(state, target, now), comment: 'ok', ...(expectedRevision === undefined ? {} : { expectedRevision }) },
        metadata: { actor, now },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ target: targetArb, actor: deciderArb }).map(({ target, actor }): Build => (now, state) => ({
      type: 'RejectRequest',
      data: { requestId: resolve(state, target, now), reason: 'no' },
      metadata: { actor, now },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ target: targetArb, actor: maybe(actorArb) }).map(({ target, actor }): Build => (now, state) => {
      const requestId = resolve(state, target, now);
      return { type: 'CancelRequest', data: { requestId }, metadata: { actor: actor ?? requesterOf(state, requestId), now } };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ target: targetArb, actor: fc.oneof(fc.constant(service), actorArb) }).map(
      ({ target, actor }): Build => (now, state) => ({ type: 'ExpireRequest', data: { requestId: resolve(state, target, now) }, metadata: { actor, now } }),
    ),
  },
);

const intentArb: fc.Arbitrary<Intent> = fc.record({ advance: advanceArb, build: commandArb });
export const intentsArb = fc.array(intentArb, { minLength: 10, maxLength: 60 });
