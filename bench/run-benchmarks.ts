import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { measureAppendRounds } from './append-bench';
import { openBenchDatabase } from './bench-database';
import { openPools, rate, serverInfo } from './bench-server';
import { loadBenchSettings } from './bench-settings';
import { measureCatchUp } from './catch-up-bench';
import { measureCommands } from './command-bench';
import { measureLag } from './lag-bench';
import { createRawTable } from './raw-baseline';
import { measureRlsRead } from './read-bench';
import { measureRebuild } from './rebuild-bench';
import { seedLog } from './rebuild-workload';
import { type Figure, machineCpu, writeReport } from './results-report';

/**
 * `npm run bench` (`-- --quick` for about two minutes, `-- --only append,reads,lag,commands,rebuild`
 * for some parts): every figure as a ratio to a baseline measured in the same run, on one
 * freshly migrated database. Writes bench/RESULTS.md and bench/results.svg; the last line
 * printed is the figures as JSON.
 */

const PARTS = ['append', 'reads', 'lag', 'commands', 'rebuild'] as const;
type Part = (typeof PARTS)[number];

function partsToRun(argv: readonly string[]): ReadonlySet<Part> {
  const at = argv.indexOf('--only');
  if (at < 0) return new Set(PARTS);
  const parts = (argv[at + 1] ?? '').split(',').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => !(PARTS as readonly string[]).includes(p))) throw new Error(`--only takes a list of ${PARTS.join(', ')}`);
  return new Set(parts as Part[]);
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  const parts = partsToRun(process.argv.slice(2));
  const log = (line: string): void => console.log(line);
  const database = await openBenchDatabase(log);
  const pools = openPools(database, settings);
  const figures: Figure[] = [];
  const notes: string[] = [];
  const figure = (f: Omit<Figure, 'met'>, met: boolean): void => {
    figures.push({ ...f, met });
    log(`${f.label.padEnd(62)} ${f.unit === 'ms' ? `${f.value.toFixed(1)} ms` : f.value.toFixed(3)}  (aim ${f.aim}; ${f.baseline})`);
  };
  const began = Date.now();
  // On stderr, so that a developer sees where the minutes go without it landing in the figures.
  const mark = (part: string): boolean => process.stderr.write(`[${Math.round((Date.now() - began) / 1000)} s] ${part}\n`);
  let rounds: Awaited<ReturnType<typeof measureAppendRounds>> = [];
  try {
    const info = await serverInfo(pools.owner);
    log(`PostgreSQL ${info.version} (${database.source}), synchronous_commit=${info.synchronousCommit}, fsync=${info.fsync}; ${settings.writers} writers, ${settings.seconds} s phases${settings.quick ? ' (--quick)' : ''}`);

    if (parts.has('append')) {
      mark('append');
      await createRawTable(pools.owner);
      rounds = await measureAppendRounds(pools.owner, database.ownerUrl, new PostgresEventLog(pools.api), settings, settings.rounds);
      for (const r of rounds) {
        log(`  round ${r.round}, ${String(r.size).padStart(3)} events: raw ${rate(r.raw)}  ours ${rate(r.ours)}  Emmett ${rate(r.emmett)}  ours÷raw ${(r.ours / r.raw).toFixed(2)}  ours÷Emmett ${(r.ours / r.emmett).toFixed(2)}`);
      }
      for (const size of [1, settings.batchSize]) {
        const mine = rounds.filter((r) => r.size === size);
        const toRaw = median(mine.map((r) => r.ours / r.raw));
        const toEmmett = Math.min(...mine.map((r) => r.ours / r.emmett));
        const aim = size === 1 ? 0.85 : 0.95;
        figure({ key: `append${size}`, label: `append, ${size} event${size > 1 ? 's' : ''}, 8 writers ÷ raw ${size}-row INSERT (median of rounds)`, value: toRaw, unit: 'ratio', baseline: `raw INSERT ${rate(median(mine.map((r) => r.raw))).trim()}/s`, aim: `≥ ${aim}` }, toRaw >= aim);
        figure({ key: `emmett${size}`, label: `append, ${size} event${size > 1 ? 's' : ''} ÷ Emmett 0.42 (worst round)`, value: toEmmett, unit: 'ratio', baseline: `Emmett ${rate(median(mine.map((r) => r.emmett))).trim()}/s`, aim: '≥ 1.0 in every round' }, toEmmett >= 1);
      }
    }

    // The append rounds' events are payloads, not a company's history: no projection could apply them.
    await pools.owner.query(`DELETE FROM event_log.events WHERE stream_id LIKE 'bench\\_%' OR stream_id LIKE 'emmett\\_%'`);
    await pools.owner.query(`DELETE FROM event_log.streams WHERE stream_id LIKE 'bench\\_%' OR stream_id LIKE 'emmett\\_%'`);

    if (parts.has('reads')) {
      mark('reads');
      const read = await measureRlsRead(database, settings.readCompanies, settings.readRolesPerCompany, settings.quick ? 1000 : 3000);
      figure(
        { key: 'rlsRead', label: `RLS read: 50 roles as authenticated ÷ as owner (${read.companies} × ${read.rolesPerCompany} roles)`, value: read.ratio, unit: 'ratio', baseline: `owner ${read.ownerMs.toFixed(2)} ms per page`, aim: '≤ 1.1' },
        read.ratio <= 1.1,
      );
    }

    if (parts.has('lag')) {
      mark('lag');
      const lag = await measureLag(database, pools.owner, 200, settings.lagSamples);
      const { sequential: s, underLoad: u } = lag;
      figure({ key: 'lagP50', label: 'lag, answered → visible through RLS (X-Min-Position), sequential: p50', value: s.p50, unit: 'ms', baseline: `${s.samples} samples, ${s.notVisible} not visible in 3 s`, aim: '≤ 5 ms' }, s.p50 <= 5);
      figure({ key: 'lagP99', label: 'lag, sequential: p99', value: s.p99, unit: 'ms', baseline: `max ${s.max.toFixed(1)} ms`, aim: '≤ 25 ms' }, s.p99 <= 25);
      log(`  read back by polling instead of X-Min-Position: p50 ${lag.polled.p50.toFixed(1)} ms, p99 ${lag.polled.p99.toFixed(1)} ms`);
      notes.push(`Lag read back by polling (no X-Min-Position): p50 ${lag.polled.p50.toFixed(1)} ms, p99 ${lag.polled.p99.toFixed(1)} ms.`);
      figure(
        { key: 'lagLoadP99', label: `lag while 4 clients send ${Math.round(lag.background.perSecond)} commands/s: p99`, value: u.p99, unit: 'ms', baseline: `p50 ${u.p50.toFixed(1)} ms, ${u.notVisible} of ${u.samples} not visible in 3 s`, aim: '≤ 25 ms at 200 commands/s' },
        u.p99 <= 25 && lag.background.perSecond >= 180,
      );
    }

    if (parts.has('commands')) {
      mark('commands');
      // The log's own 1-event append rate is the ceiling a command can reach.
      const ceiling = median(rounds.filter((r) => r.size === 1).map((r) => r.ours));
      const c = await measureCommands(database, pools.owner, settings.seconds, settings.bigCompanyUsers);
      figure({ key: 'c1', label: `C1: DefineRole p50 at ${c.bigUsers} users ÷ in an empty company`, value: c.c1, unit: 'ratio', baseline: `empty ${c.emptyP50.toFixed(2)} ms`, aim: '≤ 1.3' }, c.c1 <= 1.3);
      figure({ key: 'c2', label: `C2: first command on the ${c.bigUsers}-user company after a restart`, value: c.c2FirstCommandMs, unit: 'ms', baseline: `as the process's first request ${c.c2ColdProcessMs.toFixed(1)} ms`, aim: '≤ 100 ms' }, c.c2FirstCommandMs <= 100);
      if (Number.isFinite(ceiling)) {
        const s2 = c.s2.perSecond / ceiling;
        figure({ key: 's2', label: 'S2: commands/s, 8 clients on 8 companies ÷ 1-event append rate', value: s2, unit: 'ratio', baseline: `${Math.round(c.s2.perSecond)} commands/s, appends ${Math.round(ceiling)}/s`, aim: '≥ 0.5' }, s2 >= 0.5);
      } else notes.push('S2 needs the append part for its baseline: run it with --only append,commands.');
      figure({ key: 's2HalfP99', label: 'S2 at half that load: p99', value: c.s2Half.p99, unit: 'ms', baseline: `${Math.round(c.s2Half.perSecond)} commands/s, p50 ${c.s2Half.p50.toFixed(1)} ms`, aim: '< 50 ms' }, c.s2Half.p99 < 50);
      const s2b = c.s2b.perSecond / c.s2.perSecond;
      figure({ key: 's2b', label: 'S2b: 8 clients on one company ÷ S2', value: s2b, unit: 'ratio', baseline: `${Math.round(c.s2b.perSecond)} commands/s, ${c.s2b.errors} errors`, aim: '≥ 0.25, 0 errors' }, s2b >= 0.25 && c.s2b.errors === 0);
    }

    if (parts.has('rebuild')) {
      mark('rebuild');
      let lastNote = 0;
      const seeded = await seedLog(new PostgresEventLog(pools.owner), settings.rebuildEvents, (events) => {
        if (Date.now() - lastNote > 10_000) {
          lastNote = Date.now();
          process.stderr.write(`seeding the log for the rebuild: ${events}/${settings.rebuildEvents} events\n`);
        }
      });
      const rebuild = await measureRebuild(pools.owner, new PostgresEventLog(pools.owner));
      const c = `raw 1000-row INSERT into the read tables ${rate(rebuild.rawRowsPerSec).trim()} rows/s`;
      figure({ key: 'rebuild', label: `rebuild of ${seeded} events ÷ baseline C (${Math.round(rebuild.eventsPerSec)} events/s)`, value: rebuild.eventsPerSec / rebuild.rawRowsPerSec, unit: 'ratio', baseline: c, aim: '≥ 0.9' }, rebuild.eventsPerSec / rebuild.rawRowsPerSec >= 0.9);
      const catchUp = await measureCatchUp(pools.owner, new PostgresEventLog(pools.owner));
      figure({ key: 'catchUp', label: `live projector catch-up ÷ baseline C (${Math.round(catchUp.eventsPerSec)} events/s)`, value: catchUp.eventsPerSec / rebuild.rawRowsPerSec, unit: 'ratio', baseline: c, aim: '≥ 0.5' }, catchUp.eventsPerSec / rebuild.rawRowsPerSec >= 0.5);
    }

    mark('done');
    const { cores, cpu } = machineCpu();
    writeReport({
      date: new Date().toISOString(),
      quick: settings.quick,
      machine: { cores, cpu, postgres: `${info.version} (${database.source})`, settings: { synchronous_commit: info.synchronousCommit, fsync: info.fsync } },
      figures,
      rounds,
      notes,
    });
    console.log(JSON.stringify(Object.fromEntries(figures.map((f) => [f.key, Number(f.value.toFixed(3))]))));
  } finally {
    await pools.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
