import { PostgresEventLog } from '../libs/infra/src/event-log/postgres-event-log';
import { appendSteps } from './append-workload';
import { openBenchDatabase } from './bench-database';
import { openPools, percent, rate, serverInfo, timed } from './bench-server';
import { loadBenchSettings } from './bench-settings';
import { createRawTable, rawInsertSteps } from './raw-baseline';
import { measureCatchUp } from './catch-up-bench';
import { measureRebuild } from './rebuild-bench';
import { seedLog } from './rebuild-workload';

/**
 * `npm run bench`: the event log's append throughput next to the raw INSERT throughput of the
 * same PostgreSQL, so the figures say how much the log's guarantees cost, not how fast this
 * machine's disk is. Everything runs in one database, one measurement after the other.
 */

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  const log = (line: string): void => console.log(line);
  const database = await openBenchDatabase(log);
  const pools = openPools(database, settings);
  try {
    const info = await serverInfo(pools.owner);
    await createRawTable(pools.owner);
    const eventLog = new PostgresEventLog(pools.api);
    log(
      `PostgreSQL ${info.version} (${database.source}), synchronous_commit=${info.synchronousCommit}, fsync=${info.fsync}; ` +
        `${settings.writers} writers, ${settings.seconds} s each after ${settings.warmupSeconds} s warm-up`,
    );

    const rawSingle = await timed(pools.owner, rawInsertSteps(pools.owner, settings, 1), settings);
    log(`baseline A  raw single-row INSERT (autocommit)  ${rate(rawSingle.opsPerSec)} commits/s`);
    const single = await timed(pools.owner, appendSteps(eventLog, settings, 1), settings);
    const appendRatio = single.opsPerSec / rawSingle.opsPerSec;
    log(`append      1 event per append                  ${rate(single.opsPerSec)} appends/s   = ${percent(appendRatio)} of baseline A`);

    const rawMulti = await timed(pools.owner, rawInsertSteps(pools.owner, settings, settings.batchSize), settings);
    log(`baseline B  raw ${settings.batchSize}-row INSERT                  ${rate(rawMulti.unitsPerSec)} rows/s`);
    const batched = await timed(pools.owner, appendSteps(eventLog, settings, settings.batchSize), settings);
    const batchRatio = batched.unitsPerSec / rawMulti.unitsPerSec;
    log(
      `append      ${settings.batchSize} events per append               ${rate(batched.unitsPerSec)} events/s    = ${percent(batchRatio)} of baseline B` +
        ` (${Math.round(batched.opsPerSec)} appends/s)`,
    );

    // Rebuild: the whole log replayed into new copies of the read tables, against the same rows
    // written into copies of the same tables by raw multi-row INSERTs.
    // The append figures' synthetic events are not the projection's; the log replayed holds
    // domain events only (this is a throw-away bench database).
    await pools.owner.query(`DELETE FROM event_log.events WHERE stream_id LIKE 'bench\\_%'`);
    const target = settings.rebuildEvents;
    let lastNote = 0;
    const seeded = await seedLog(new PostgresEventLog(pools.owner), target, (events) => {
      if (Date.now() - lastNote > 10_000) {
        lastNote = Date.now();
        process.stderr.write(`seeding the log for the rebuild: ${events}/${target} events\n`);
      }
    });
    const rebuild = await measureRebuild(pools.owner, new PostgresEventLog(pools.owner));
    log(`baseline C  raw 1000-row INSERT into the read tables  ${rate(rebuild.rawRowsPerSec)} rows/s (${rebuild.rows} rows)`);
    log(
      `rebuild     ${rebuild.events} events replayed in ${rebuild.replaySeconds.toFixed(1)} s  ${rate(rebuild.eventsPerSec)} events/s = ${percent(rebuild.eventsPerSec / rebuild.rawRowsPerSec)} of baseline C;` +
        ` 1M events would take ${Math.round(1e6 / rebuild.eventsPerSec)} s (aim: under 60 s)`,
    );

    // The live path over the same log: the projector catching up from nothing, as after an outage.
    const catchUp = await measureCatchUp(pools.owner, new PostgresEventLog(pools.owner));
    log(
      `catch-up    live projector, ${catchUp.events} events in ${catchUp.seconds.toFixed(1)} s  ${rate(catchUp.eventsPerSec)} events/s = ${percent(catchUp.eventsPerSec / rebuild.rawRowsPerSec)} of baseline C`,
    );

    // Last line: machine-readable, for CI and for comparing runs.
    console.log(
      JSON.stringify({
        appendsPerSec: round(single.opsPerSec),
        rawInsertCommitsPerSec: round(rawSingle.opsPerSec),
        appendRatio: round(appendRatio, 3),
        batchedEventsPerSec: round(batched.unitsPerSec),
        rawMultiRowRowsPerSec: round(rawMulti.unitsPerSec),
        batchRatio: round(batchRatio, 3),
        rebuildEvents: seeded,
        rebuildEventsPerSec: round(rebuild.eventsPerSec),
        rawReadTableRowsPerSec: round(rebuild.rawRowsPerSec),
        rebuildRatio: round(rebuild.eventsPerSec / rebuild.rawRowsPerSec, 3),
        catchUpEventsPerSec: round(catchUp.eventsPerSec),
        seconds: settings.seconds,
        writers: settings.writers,
        batchSize: settings.batchSize,
        postgresVersion: info.version,
        synchronousCommit: info.synchronousCommit,
        fsync: info.fsync,
        database: database.source,
      }),
    );
  } finally {
    await pools.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
