import { PostgresEventLog } from '../libs/infra/src/event-log/postgres-event-log';
import { appendSteps } from './append-workload';
import { openBenchDatabase } from './bench-database';
import { openPools, percent, rate, serverInfo, timed } from './bench-server';
import { loadBenchSettings } from './bench-settings';
import { createRawTable, rawInsertSteps } from './raw-baseline';
import { measureCatchUp } from './catch-up-bench';
import { measureCommands } from './command-bench';
import { measureRebuild } from './rebuild-bench';
import { seedLog } from './rebuild-workload';

/**
 * `npm run bench`: the event log's append throughput next to the raw INSERT throughput of the
 * same PostgreSQL, so the figures say how much the log's guarantees cost, not how fast this
 * machine's disk is. Everything runs in one database, one measurement after the other.
 */

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** `npm run bench -- --only append,commands`: a subset of the parts (append, commands, rebuild). */
function partsToRun(argv: readonly string[]): ReadonlySet<string> {
  const at = argv.indexOf('--only');
  const all = ['append', 'commands', 'rebuild'];
  if (at < 0) return new Set(all);
  const parts = (argv[at + 1] ?? '').split(',').filter((p) => p !== '');
  const unknown = parts.filter((p) => !all.includes(p));
  if (parts.length === 0 || unknown.length > 0) throw new Error(`--only takes a list of ${all.join(', ')}`);
  // The command figures are ratios to the 1-event append rate, so that is always measured.
  return new Set(['append', ...parts]);
}

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  const parts = partsToRun(process.argv.slice(2));
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

    let rebuildFigures: Record<string, unknown> = {};
    if (parts.has('rebuild')) {
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
      rebuildFigures = {
        rebuildEvents: seeded,
        rebuildEventsPerSec: round(rebuild.eventsPerSec),
        rawReadTableRowsPerSec: round(rebuild.rawRowsPerSec),
        rebuildRatio: round(rebuild.eventsPerSec / rebuild.rawRowsPerSec, 3),
        catchUpEventsPerSec: round(catchUp.eventsPerSec),
      };
    }

    let commandFigures: Record<string, unknown> = {};
    if (parts.has('commands')) {
      // The log's 1-event append rate above is the ceiling a command can reach: everything a
      // command does beyond its one append (HTTP, JWT, membership, decide) shows in the ratio.
      const c = await measureCommands(database, pools.owner, settings.seconds);
      const s2Ratio = c.s2.perSecond / single.opsPerSec;
      log(`C1          DefineRole p50 at ${c.bigUsers} users ${c.bigP50.toFixed(2)} ms ÷ empty company ${c.emptyP50.toFixed(2)} ms = ${c.c1.toFixed(2)} (aim ≤ 1.3)`);
      log(`C2          first command on the ${c.bigUsers}-user company after a restart: ${c.c2FirstCommandMs.toFixed(1)} ms (aim ≤ 100); as the process's very first request ${c.c2ColdProcessMs.toFixed(1)} ms`);
      log(
        `S2          8 clients on 8 companies ${rate(c.s2.perSecond)} commands/s = ${s2Ratio.toFixed(2)} of the 1-event append rate (aim ≥ 0.5); ` +
          `p50 ${c.s2.p50.toFixed(1)} ms, p99 ${c.s2.p99.toFixed(1)} ms, ${c.s2.errors} errors`,
      );
      log(`S2 at half  ${rate(c.s2Half.perSecond)} commands/s: p50 ${c.s2Half.p50.toFixed(1)} ms, p99 ${c.s2Half.p99.toFixed(1)} ms (aim < 50), ${c.s2Half.errors} errors`);
      log(
        `S2b         8 clients on one company ${rate(c.s2b.perSecond)} commands/s = ${(c.s2b.perSecond / c.s2.perSecond).toFixed(2)} of S2 (aim ≥ 0.25); ` +
          `p50 ${c.s2b.p50.toFixed(1)} ms, p99 ${c.s2b.p99.toFixed(1)} ms, ${c.s2b.errors} errors (aim 0)`,
      );
      commandFigures = {
        c1: round(c.c1, 3),
        c2FirstCommandMs: round(c.c2FirstCommandMs),
        c2ColdProcessMs: round(c.c2ColdProcessMs),
        s2CommandsPerSec: round(c.s2.perSecond),
        s2Ratio: round(s2Ratio, 3),
        s2HalfP99Ms: round(c.s2Half.p99),
        s2bCommandsPerSec: round(c.s2b.perSecond),
        s2bRatio: round(c.s2b.perSecond / c.s2.perSecond, 3),
        s2bErrors: c.s2b.errors,
      };
    }

    // Last line: machine-readable, for CI and for comparing runs.
    console.log(
      JSON.stringify({
        appendsPerSec: round(single.opsPerSec),
        rawInsertCommitsPerSec: round(rawSingle.opsPerSec),
        appendRatio: round(appendRatio, 3),
        batchedEventsPerSec: round(batched.unitsPerSec),
        rawMultiRowRowsPerSec: round(rawMulti.unitsPerSec),
        batchRatio: round(batchRatio, 3),
        ...commandFigures,
        ...rebuildFigures,
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
