import { PostgresEventLog } from '../libs/infra/src/event-log/postgres-event-log';
import { appendSteps } from './append-workload';
import { openBenchDatabase } from './bench-database';
import { openPools, percent, rate, serverInfo, timed } from './bench-server';
import { loadBenchSettings } from './bench-settings';
import { createRawTable, rawInsertSteps } from './raw-baseline';

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

    // Last line: machine-readable, for CI and for comparing runs.
    console.log(
      JSON.stringify({
        appendsPerSec: round(single.opsPerSec),
        rawInsertCommitsPerSec: round(rawSingle.opsPerSec),
        appendRatio: round(appendRatio, 3),
        batchedEventsPerSec: round(batched.unitsPerSec),
        rawMultiRowRowsPerSec: round(rawMulti.unitsPerSec),
        batchRatio: round(batchRatio, 3),
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
