import type { ClientBase } from 'pg';

export type Actor = Readonly<{ label: string; role: 'authenticated' | 'anon'; claims?: Record<string, string> }>;

export type Expectation = Readonly<{
  actor: Actor;
  table: string;
  /** The ids the actor must see: exactly these, no more (null: the read must be refused). */
  visible: ReadonlySet<string> | null;
}>;

export type WriteProbe = Readonly<{ actor: Actor; label: string; sql: string; params: unknown[]; rows: number | 'refused' }>;

/** Runs one statement as an actor inside a savepoint, so a refusal does not end the transaction. */
async function asActor<T>(client: ClientBase, actor: Actor, role: string, work: () => Promise<T>): Promise<T | Error> {
  await client.query('SAVEPOINT probe');
  try {
    await client.query(`SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
      role,
      JSON.stringify({ role: actor.role, ...(actor.claims ?? {}) }),
    ]);
    const result = await work();
    await client.query('ROLLBACK TO SAVEPOINT probe');
    return result;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT probe');
    return error as Error;
  }
}

/**
 * Checks every expectation inside the caller's open transaction and returns what went wrong:
 * an empty list means the policies did exactly their job.
 */
export async function rlsViolations(client: ClientBase, reads: readonly Expectation[], writes: readonly WriteProbe[]): Promise<string[]> {
  const violations: string[] = [];
  for (const { actor, table, visible } of reads) {
    const idColumn =
      { user_roles: `user_id || '/' || role_id`, entity_revisions: 'entity_id', permission_change_request_details: 'request_id' }[table] ?? 'id';
    const outcome = await asActor(client, actor, actor.role, async () =>
      (await client.query<{ id: string }>(`SELECT ${idColumn} AS id FROM public.${table}`)).rows.map((r) => r.id),
    );
    if (visible === null) {
      if (!(outcome instanceof Error)) violations.push(`${actor.label} read ${table}: expected refusal, saw ${outcome.length} rows`);
      continue;
    }
    if (outcome instanceof Error) {
      violations.push(`${actor.label} read ${table}: refused (${outcome.message})`);
      continue;
    }
    const seen = new Set(outcome);
    const missing = [...visible].filter((id) => !seen.has(id));
    const extra = [...seen].filter((id) => !visible.has(id));
    if (missing.length || extra.length) violations.push(`${actor.label} read ${table}: ${missing.length} missing, ${extra.length} not theirs`);
  }
  for (const probe of writes) {
    const outcome = await asActor(client, probe.actor, 'rls_writer', async () => (await client.query(probe.sql, probe.params)).rowCount ?? 0);
    const got = outcome instanceof Error ? 'refused' : outcome;
    if (got !== probe.rows) violations.push(`${probe.actor.label} ${probe.label}: expected ${probe.rows}, got ${got}`);
  }
  return violations;
}
