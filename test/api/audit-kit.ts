import { type ApiWorld, call, type Company, decideRequest, type Member, requestChange } from './api-kit';

/** A member who holds Vibot.auditor the only way people get it: a request an admin approved. */
export async function auditorOf(world: ApiWorld, company: Company, name: string): Promise<Member & { requestId: string }> {
  const member = await world.member(company, name);
  const asked = await requestChange(world.app, member.token, {
    targetUserId: member.userId,
    diff: { grant: ['Vibot.auditor'] },
    reason: 'quarterly audit',
  });
  expect(asked.status).toBe(201);
  const approved = await decideRequest(world.app, company.adminToken, asked.body.id, 'approve', { comment: 'ok' });
  expect(approved.status).toBe(200);
  return { ...member, requestId: asked.body.id };
}

export const auditGet = (world: ApiWorld, token: string, path: string) => call(world.app, 'GET', `/v1/audit/${path}`, { token });

/** Log positions ("commit/prepare") compared as the log orders them. */
export function positionOrder(a: string, b: string): number {
  const [ac, ap] = a.split('/').map(BigInt) as [bigint, bigint];
  const [bc, bp] = b.split('/').map(BigInt) as [bigint, bigint];
  return ac !== bc ? (ac < bc ? -1 : 1) : ap === bp ? 0 : ap < bp ? -1 : 1;
}

export type Shown = { type: string; stream: string; revision: string; position: string; data: any; metadata: any; createdAt: string };

/** Every committed event of a company, straight from the table: what the endpoint must show. */
export async function logOf(world: ApiWorld, companyId: string): Promise<{ eventId: string; stream: string }[]> {
  const { rows } = await world.db.owner.query<{ event_id: string; stream_id: string }>(
    `SELECT e.event_id, e.stream_id FROM event_log.events e WHERE e.metadata -> 'tenant' ->> 'companyId' = $1
      ORDER BY e.transaction_id, e.global_position`,
    [companyId],
  );
  return rows.map((row) => ({ eventId: row.event_id, stream: row.stream_id }));
}

/**
 * Follows `next` to the end. An event can commit a moment after its command answered (or wait
 * behind another transaction still open in the cluster), so at the end it keeps reading after
 * the last position until the log's committed count is reached, like a client tailing the log.
 */
export async function walk(
  world: ApiWorld,
  token: string,
  query: string,
  expected: number,
  between?: (page: number) => Promise<void>,
): Promise<Shown[]> {
  const seen: Shown[] = [];
  let url = `?${query}`;
  for (let page = 0; page < 200; page += 1) {
    const answer = await auditGet(world, token, `events${url}`);
    expect(answer.status).toBe(200);
    seen.push(...answer.body.events);
    await between?.(page);
    if (answer.body.next !== null) url = `?cursor=${encodeURIComponent(answer.body.next)}&limit=${new URLSearchParams(query).get('limit') ?? 100}`;
    else if (seen.length >= expected) return seen;
    else {
      await new Promise((resolve) => setTimeout(resolve, 50));
      url = `?${query}${seen.length > 0 ? `&after=${seen[seen.length - 1]!.position}` : ''}`;
    }
  }
  throw new Error('walk did not finish');
}

/**
 * Waits until the history endpoint shows every committed event of the company. Readers stop
 * below the oldest transaction still open anywhere in the cluster (another test file's, too),
 * so a just-committed event may take a moment to appear; it never appears out of order.
 */
export async function historySettled(world: ApiWorld, token: string, companyId: string): Promise<Shown[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [shown, committed] = [(await auditGet(world, token, 'events?limit=1000')).body.events as Shown[], await logOf(world, companyId)];
    if (shown.length === committed.length || Date.now() > deadline) return shown;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
