import { Pool } from 'pg';
import { type CheckpointWatch, watchCheckpoint } from '#infra/projections/checkpoint-watch';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: Pool;
let watch: CheckpointWatch;

beforeAll(async () => {
  db = await createTestDatabase();
  // As the API holds it: its own login, which may read checkpoints and nothing of the rows.
  api = new Pool({ connectionString: db.apiUrl, max: 4 });
  await db.owner.query(`INSERT INTO public.projection_checkpoints (name, commit_position, prepare_position) VALUES ('watched', 10, 1)`);
  watch = watchCheckpoint(api, 'watched');
});
afterAll(async () => {
  await watch?.stop();
  await api?.end();
  await db.drop();
});

/** The projector's move, as it sends it: compare-and-set, NOTIFY on commit. */
async function move(from: [number, number], to: [number, number]): Promise<void> {
  await db.owner.query(
    `BEGIN; SET LOCAL ROLE service_role; SELECT public.move_projection_checkpoint('watched', ${from[0]}, ${from[1]}, ${to[0]}, ${to[1]}, 1); COMMIT`,
  );
}

describe('watching a projection checkpoint', () => {
  it('answers at once for a position already reached', async () => {
    await expect(watch.reached({ commit: 10n, prepare: 1n }, 1000)).resolves.toBe('reached');
    await expect(watch.reached({ commit: 3n, prepare: 99n }, 1000)).resolves.toBe('reached');
  });

  it('wakes on the commit that moves the checkpoint, well before its own re-read', async () => {
    const waiting = watch.reached({ commit: 12n, prepare: 5n }, 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const moved = Date.now();
    await move([10, 1], [12, 5]);
    await expect(waiting).resolves.toBe('reached');
    // The re-read comes every 250 ms; a wake-up within it came from the notification.
    expect(Date.now() - moved).toBeLessThan(200);
  });

  it('keeps waiting through moves that fall short, and gives up at its deadline', async () => {
    const started = Date.now();
    const waiting = watch.reached({ commit: 20n, prepare: 1n }, 400);
    await move([12, 5], [13, 1]);
    await expect(waiting).resolves.toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('settles many waiters on one move, each by its own position', async () => {
    const near = watch.reached({ commit: 14n, prepare: 1n }, 3000);
    const far = watch.reached({ commit: 99n, prepare: 1n }, 300);
    await move([13, 1], [14, 1]);
    await expect(near).resolves.toBe('reached');
    await expect(far).resolves.toBe('timeout');
  });

  it('answers halted when the projection halted, without waiting out the deadline', async () => {
    await db.owner.query(`UPDATE public.projection_checkpoints SET status = 'halted' WHERE name = 'watched'`);
    const started = Date.now();
    await expect(watch.reached({ commit: 99n, prepare: 1n }, 5000)).resolves.toBe('halted');
    expect(Date.now() - started).toBeLessThan(1000);
    await db.owner.query(`UPDATE public.projection_checkpoints SET status = 'running' WHERE name = 'watched'`);
  });

  it('trusts a read over what it was told: a checkpoint set back is waited for again', async () => {
    await db.owner.query(`UPDATE public.projection_checkpoints SET commit_position = 5, prepare_position = 1 WHERE name = 'watched'`);
    await expect(watch.reached({ commit: 14n, prepare: 1n }, 300)).resolves.toBe('timeout');
  });
});
