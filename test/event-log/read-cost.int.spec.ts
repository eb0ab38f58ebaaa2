import { SUBSCRIPTION_READ } from '#infra/event-log/event-rows';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { aStream, events } from './event-fixtures';

let db: TestDatabase;
let log: PostgresEventLog;

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner);
  for (let n = 0; n < 40; n++) await log.append(aStream(), events(100), { expected: 'no_stream' });
});
afterAll(async () => {
  await log.close();
  await db.drop();
});

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  'Heap Fetches'?: number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
};
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

async function planOf(sql: string, params: unknown[]): Promise<PlanNode[]> {
  // A generic plan, as a pool's repeated statement may get: it must not depend on the values.
  await db.owner.query('SET plan_cache_mode = force_generic_plan');
  try {
    const { rows } = await db.owner.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
    return nodes(rows[0]!['QUERY PLAN'][0].Plan);
  } finally {
    await db.owner.query('RESET plan_cache_mode');
  }
}

describe("a subscription's read does not grow with the log", () => {
  // Whatever the planner believes: the plan must be cheap before statistics exist and after.
  it.each([['before the table is analyzed', false], ['after', true]])('reads only the rows it returns and the last one, by the log index (%s)', async (_, analyzed) => {
    if (analyzed) await db.owner.query('ANALYZE event_log.events');
    const head = await log.headPosition();
    const near = { commit: head.commit, prepare: head.prepare - 5n };
    for (const after of [near, { commit: 0n, prepare: 0n }]) {
      const plan = await planOf(SUBSCRIPTION_READ, [after.commit.toString(), after.prepare.toString(), 10]);
      const onEvents = plan.filter((node) => node['Relation Name'] === 'events');
      expect(onEvents.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(onEvents.length).toBeGreaterThan(0);
      // 4,000 events in the log (about 150 pages); a read of ten looks at ten rows, the tail at one.
      const looked = onEvents.reduce((sum, node) => sum + node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Heap Fetches'] ?? 0), 0);
      expect(looked).toBeLessThanOrEqual(2 * 11);
      const pages = onEvents.reduce((sum, node) => sum + node['Shared Hit Blocks'] + node['Shared Read Blocks'], 0);
      expect(pages).toBeLessThan(30);
    }
  });
});
