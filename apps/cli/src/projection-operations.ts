import { projectorOperationsStreamName } from '#domain';
import { operations } from '#infra/commands/aggregates';
import type { AppConfig } from '#infra/config/config';
import { asService, createDb } from '#infra/database/database';
import { newCommandContext } from '#infra/event-log/envelope';
import { formatPosition } from '#infra/event-log/position';
import { moveCheckpoint, readCheckpoint } from '#infra/projections/checkpoints';
import { CLI_ACTOR, CliError, note, printResult, required } from './cli-output';
import { withDatabase } from './with-database';

/** `projections`: every projection's checkpoint, status and lag (events not applied yet). */
export async function listProjections(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const rows = await withDatabase(config, async (owner) =>
    (
      await owner.query(`SELECT c.name, c.status, c.last_error, c.events_applied::text AS applied,
          c.commit_position::text || '/' || c.prepare_position::text AS position,
          (SELECT count(*) FROM event_log.events e
            WHERE (e.transaction_id::text::bigint, e.global_position) > (c.commit_position, c.prepare_position))::text AS lag
        FROM projection_checkpoints c ORDER BY c.name`)
    ).rows,
  );
  printResult(flags.json === true, { projections: rows }, rows.map((r) => `${r.name}\t${r.status}\tposition ${r.position}\tapplied ${r.applied}\tlag ${r.lag}${r.last_error ? `\t${r.last_error}` : ''}`).join('\n') || 'no projections yet');
}

/**
 * `skip-event --projection <name> --reason <text>`: the operator's way past one event that a
 * halted projection cannot apply. The skip itself is recorded in the log, for auditors.
 */
export async function skipEvent(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const name = required(flags.projection as string | undefined, 'projection');
  const reason = required(flags.reason as string | undefined, 'reason');
  const skipped = await withDatabase(config, async (owner, log, pipeline) => {
    const db = createDb(owner);
    const checkpoint = await readCheckpoint(db, name);
    if (!checkpoint) throw new CliError(`no projection named ${name}`, 'projection_not_found');
    if (checkpoint.status !== 'halted') throw new CliError(`projection ${name} is ${checkpoint.status}, not halted: nothing to skip`, 'projection_not_halted');
    const [event] = await log.readAll({ after: checkpoint.position, limit: 1 });
    if (!event) throw new CliError(`projection ${name} is at the end of the log`, 'nothing_to_skip');
    await asService(db, (trx) => moveCheckpoint(trx, name, checkpoint.position, event.position, 1));
    const record = { projection: name, eventId: event.eventId, stream: event.streamId, revision: event.revision.toString(), type: event.type, reason };
    const actor = CLI_ACTOR;
    const command = { type: 'RecordProjectionEventSkipped', data: record, metadata: { actor, now: new Date().toISOString() } } as const;
    await pipeline.run(operations, projectorOperationsStreamName(name), command, newCommandContext(actor, {}));
    return { ...record, position: formatPosition(event.position) };
  });
  note(`skipped ${skipped.type} ${skipped.stream}@${skipped.revision} in projection ${name}; restart the projector to resume`);
  printResult(flags.json === true, skipped, JSON.stringify(skipped));
}
