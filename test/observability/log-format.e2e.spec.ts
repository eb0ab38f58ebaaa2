import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// What an operator sees: readable lines on a terminal (or LOG_FORMAT=pretty), one JSON object
// per line for machines. Run in a child process on the built code, as the services run it.
const LOGGER = join(__dirname, '../../dist/libs/infra/src/observability/logger.js');

const logLine = (format: string): string =>
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(LOGGER)}).createLogger({ level: 'info', format: '${format}' }).info({ role: 'support' }, 'role defined')`], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });

it('json: one parseable object per line', () => {
  const line = logLine('json').trim();
  expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'role defined', role: 'support' });
});

it('pretty: a readable line with the level, the message and the fields, not JSON', () => {
  const text = logLine('pretty');
  expect(text).toMatch(/INFO/);
  expect(text).toMatch(/role defined/);
  expect(text).toMatch(/role: "support"/);
  expect(() => JSON.parse(text.trim())).toThrow();
});

it('auto: JSON when stdout is not a terminal, as under a process manager', () => {
  expect(JSON.parse(logLine('auto').trim())).toMatchObject({ msg: 'role defined' });
});
