import { progressReporter } from '../../apps/cli/src/progress-bar';

/** A stand-in for stderr that records what was written (a terminal or a pipe). */
function capture(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const out = { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { out, text: () => chunks.join('') };
}

const position = { commit: 1n, prepare: 1n };

describe('replay progress', () => {
  it('on a terminal: one bar redrawn in place with events done, events/s and time left, a newline when done', () => {
    const { out, text } = capture(true);
    const report = progressReporter(out);
    report({ phase: 'replay', done: 500, total: 2000, position });
    report({ phase: 'replay', done: 2000, total: 2000, position });
    const written = text();
    expect(written).toMatch(/^\rreplay\s+\[#{8}\.{22}\] 500\/2,000 events\s+[\d,]+ events\/s\s+\d+ s left/);
    // Each redraw ends by erasing the rest of the line (ESC [ K): a shorter line leaves no tail.
    expect(written.endsWith('done\u001b[K\n')).toBe(true);
    expect(written).toMatch(/\rreplay\s+\[#{30}\] 2,000\/2,000 events\s+[\d,]+ events\/s\s+done/);
  });

  it('not on a terminal: plain lines, no carriage returns, at most one every two seconds plus the last', () => {
    const { out, text } = capture(false);
    const report = progressReporter(out);
    for (let done = 100; done <= 1000; done += 100) report({ phase: 'final', done, total: 1000, position });
    const lines = text().trimEnd().split('\n');
    expect(text()).not.toContain('\r');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^final: 100\/1,000 events\s+[\d,]+ events\/s\s+(\d+ s|\d+ min) left$/);
    expect(lines[1]).toMatch(/^final: 1,000\/1,000 events\s+[\d,]+ events\/s\s+done$/);
  });
});
