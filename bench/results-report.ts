import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { AppendRound } from './append-bench';

/** One figure of the table: what it is, its value, its baseline and its aim, as text. */
export type Figure = Readonly<{ key: string; label: string; value: number; unit: 'ratio' | 'ms'; baseline: string; aim: string; met: boolean }>;

export type Report = Readonly<{
  date: string;
  quick: boolean;
  machine: Readonly<{ cores: number; cpu: string; postgres: string; settings: Readonly<Record<string, string>> }>;
  figures: readonly Figure[];
  rounds: readonly AppendRound[];
  notes: readonly string[];
}>;

const RESULTS = join(__dirname, '..', '..', 'bench', 'RESULTS.md');
const CHART = join(__dirname, '..', '..', 'bench', 'results.svg');
const MARKER = '<!-- figures:';

const show = (f: Pick<Figure, 'value' | 'unit'>): string => (f.unit === 'ms' ? `${f.value.toFixed(1)} ms` : f.value.toFixed(2));

/** The figures of the previous run, read back from the line RESULTS.md keeps them in. */
function previousFigures(): Record<string, { value: number; unit: Figure['unit'] }> {
  if (!existsSync(RESULTS)) return {};
  const line = readFileSync(RESULTS, 'utf8').split('\n').find((l) => l.startsWith(MARKER));
  if (!line) return {};
  try {
    return JSON.parse(line.slice(MARKER.length, line.lastIndexOf('-->')).trim()) as Record<string, { value: number; unit: Figure['unit'] }>;
  } catch {
    return {};
  }
}

/** Bars of the append ratios per round (ours ÷ raw, ours ÷ Emmett, at 1 and at N events), and the other ratios once. */
export function chart(report: Report): string {
  const bars: { label: string; value: number; aim: number; met: boolean }[] = [];
  for (const r of report.rounds) {
    const aim = r.size === 1 ? 0.85 : 0.95;
    bars.push({ label: `r${r.round} ${r.size}ev ÷raw`, value: r.ours / r.raw, aim, met: r.ours / r.raw >= aim });
    bars.push({ label: `r${r.round} ${r.size}ev ÷Emmett`, value: r.ours / r.emmett, aim: 1, met: r.ours >= r.emmett });
  }
  // The other ratios (rebuild and catch-up among them) are measured once per run; their own aim says which side is good.
  for (const f of report.figures) {
    if (f.unit === 'ratio' && !f.key.startsWith('append') && !f.key.startsWith('emmett')) {
      bars.push({ label: f.key, value: f.value, aim: Number.parseFloat(f.aim.replace(/[^\d.]/g, '')) || 0, met: f.met });
    }
  }
  const width = 760;
  const row = 22;
  const left = 190;
  const scale = (width - left - 60) / Math.max(1.6, ...bars.map((b) => b.value));
  const height = 40 + bars.length * row;
  const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = bars.map((b, i) => {
    const y = 30 + i * row;
    const colour = b.met ? '#2e7d32' : '#c62828';
    return (
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${escape(b.label)}</text>` +
      `<rect x="${left}" y="${y + 3}" width="${(b.value * scale).toFixed(1)}" height="14" fill="${colour}"/>` +
      `<line x1="${(left + b.aim * scale).toFixed(1)}" x2="${(left + b.aim * scale).toFixed(1)}" y1="${y}" y2="${y + 20}" stroke="#000" stroke-dasharray="3,2"/>` +
      `<text x="${(left + b.value * scale + 6).toFixed(1)}" y="${y + 14}">${b.value.toFixed(2)}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">` +
    `<text x="10" y="18" font-weight="bold">npm run bench ${report.quick ? '--quick ' : ''}${escape(report.date)}: ratios to their baselines (dashed: the aim)</text>` +
    `${parts.join('')}</svg>\n`
  );
}

/** Writes bench/RESULTS.md (this run beside the previous one) and bench/results.svg. */
export function writeReport(report: Report): void {
  const previous = previousFigures();
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${report.quick ? ' -- --quick' : ''}\` on ${report.date}. Every figure is a ratio to a baseline measured in the same run (or a latency with its aim); the previous run's figure stands beside it.`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), PostgreSQL ${report.machine.postgres}; ` +
      Object.entries(report.machine.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') +
      '.',
    '',
    '![ratios](results.svg)',
    '',
    '| figure | now | previous | baseline | aim | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.figures.map((f) => `| ${f.label} | **${show(f)}** | ${previous[f.key] ? show(previous[f.key]!) : '–'} | ${f.baseline} | ${f.aim} | ${f.met ? 'yes' : 'no'} |`),
    '',
    '## Append rounds (units per second: appends at 1 event, events at more)',
    '',
    '| round | events per append | raw INSERT | our log | Emmett | ours ÷ raw | ours ÷ Emmett |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.rounds.map(
      (r) => `| ${r.round} | ${r.size} | ${Math.round(r.raw)} | ${Math.round(r.ours)} | ${Math.round(r.emmett)} | ${(r.ours / r.raw).toFixed(2)} | ${(r.ours / r.emmett).toFixed(2)} |`,
    ),
    '',
    ...(report.notes.length > 0 ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
    `${MARKER} ${JSON.stringify(Object.fromEntries(report.figures.map((f) => [f.key, { value: f.value, unit: f.unit }])))} -->`,
    '',
  ];
  writeFileSync(RESULTS, lines.join('\n'));
  writeFileSync(CHART, chart(report));
}

export const machineCpu = (): { cores: number; cpu: string } => ({ cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown' });
