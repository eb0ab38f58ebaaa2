import type { ReplayProgress } from '#infra/read-models/replay';

const WIDTH = 30;
const number = (n: number): string => n.toLocaleString('en-US');

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${Math.ceil(seconds)} s`;
}

/**
 * Replay progress on stderr: a bar redrawn in place on a terminal (events done, events/s, time
 * left), plain lines every few seconds otherwise (logs, CI), always a last line per phase.
 */
export function progressReporter(out: NodeJS.WriteStream = process.stderr): (progress: ReplayProgress) => void {
  const terminal = out.isTTY === true;
  let phase = '';
  let started = Date.now();
  let lastDraw = 0;
  return (progress) => {
    const now = Date.now();
    if (progress.phase !== phase) {
      if (terminal && phase !== '') out.write('\n');
      phase = progress.phase;
      started = now;
      lastDraw = 0;
    }
    const finished = progress.done >= progress.total;
    if (!finished && now - lastDraw < (terminal ? 100 : 2000)) return;
    lastDraw = now;
    const rate = progress.done / Math.max(0.001, (now - started) / 1000);
    const left = eta((progress.total - progress.done) / Math.max(rate, 1e-9));
    const text = `${number(progress.done)}/${number(progress.total)} events  ${number(Math.round(rate))} events/s  ${finished ? 'done' : `${left} left`}`;
    if (terminal) {
      const filled = Math.round((WIDTH * progress.done) / Math.max(1, progress.total));
      out.write(`\r${phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${text}\x1b[K${finished ? '\n' : ''}`);
      if (finished) phase = '';
    } else {
      out.write(`${phase}: ${text}\n`);
    }
  };
}
