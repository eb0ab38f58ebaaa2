import type { AppConfig } from '#infra/config/config';
import { parsePosition } from '#infra/event-log/position';
import { ALL_PROJECTIONS } from '#infra/projections/projector';
import { buildAsOf } from '#infra/read-models/as-of';
import { rebuildProjection } from '#infra/read-models/rebuild';
import type { ReplayBound } from '#infra/read-models/replay';
import { verifyReadModels } from '#infra/read-models/verify-read-models';
import { CliError, note, printResult, required, UsageError } from './cli-output';
import { progressReporter } from './progress-bar';
import { withDatabase } from './with-database';

type Flags = Record<string, string | boolean | undefined>;

function parseAt(text: string): ReplayBound {
  const position = parsePosition(text);
  if (position) return { position };
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) {
    throw new UsageError(`--at must be an ISO time (2026-11-23T10:00:00Z) or a log position (<commit>/<prepare>), got ${JSON.stringify(text)}`);
  }
  return { time };
}

/** `as-of --at <time|position> --schema <name> [--replace]`: the read side as it was then. */
export async function asOfCommand(config: AppConfig, flags: Flags): Promise<void> {
  const at = parseAt(required(flags.at as string | undefined, 'at'));
  const schema = required(flags.schema as string | undefined, 'schema');
  const result = await withDatabase(config, (owner, log) =>
    buildAsOf(owner, log, { schema, at, replace: flags.replace === true, onProgress: progressReporter() }).catch((error: Error) => {
      throw /already exists|not allowed/.test(error.message) ? new CliError(error.message, 'schema_refused') : error;
    }),
  );
  printResult(flags.json === true, result, `schema ${result.schema}: ${result.tables.length} tables as of position ${result.position} (${result.events} events replayed); read it with the same RLS as the live tables`);
}

function projectionsNamed(name: string | undefined) {
  if (name === undefined) return ALL_PROJECTIONS;
  const found = ALL_PROJECTIONS.filter((projection) => projection.name === name);
  if (found.length === 0) throw new CliError(`no projection named ${name} (known: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')})`, 'projection_not_found');
  return found;
}

/** `rebuild [projection]`: replay into new tables beside the live ones and swap them in. */
export async function rebuildCommand(config: AppConfig, name: string | undefined, flags: Flags): Promise<void> {
  const projections = projectionsNamed(name);
  const results = await withDatabase(config, async (owner, log) => {
    const done = [];
    for (const projection of projections) done.push(await rebuildProjection(owner, log, projection, { onProgress: progressReporter() }));
    return done;
  });
  printResult(
    flags.json === true,
    { rebuilt: results },
    results.map((r) => `rebuilt ${r.projection}: ${r.tables.length} tables, ${r.events} events replayed in ${r.seconds.toFixed(1)} s, swapped in at position ${r.position}`).join('\n'),
  );
}

/** `verify-read-models`: replay into a scratch schema and compare every table row by row. */
export async function verifyReadModelsCommand(config: AppConfig, flags: Flags): Promise<void> {
  const results = await withDatabase(config, async (owner, log) => {
    const done = [];
    for (const projection of ALL_PROJECTIONS) done.push(await verifyReadModels(owner, log, projection, { onProgress: progressReporter() }));
    return done;
  });
  const differences = results.flatMap((r) => r.differences);
  const total = results.flatMap((r) => r.tables).reduce((sum, t) => sum + t.differences, 0);
  const lines = results.flatMap((r) => [
    `${r.projection} at position ${r.position} (${r.events} events replayed):`,
    ...r.tables.map((t) => `  ${t.table.padEnd(36)} ${String(t.liveRows).padStart(8)} live rows  ${String(t.replayRows).padStart(8)} replayed  ${t.differences === 0 ? 'equal' : `${t.differences} different`}`),
  ]);
  for (const d of differences) {
    const key = Object.entries(d.key).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    lines.push(`DIFF ${d.table} ${key}: ${d.kind === 'differs' ? `columns ${d.columns.join(', ')}` : d.kind === 'missing' ? 'missing from the live table' : 'in the live table but not in the replay'}`);
  }
  const tables = results.reduce((n, r) => n + r.tables.length, 0);
  const rows = results.flatMap((r) => r.tables).reduce((n, t) => n + t.liveRows, 0);
  lines.push(`${tables} tables, ${rows} rows, ${total} differences`);
  printResult(flags.json === true, { results, differences: total }, lines.join('\n'));
  if (total > 0) {
    note('the live read models differ from a replay of the log');
    process.exitCode = 1;
  }
}
