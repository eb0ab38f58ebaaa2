/**
 * `npm run esdb-emulator -- --port <n>`: the standalone emulator as a real process (e2e tier),
 * reached by the real client on the port it was given, and stopped cleanly by SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { freePort } from '../support/free-port';
import { collect, event } from '../support/esdb-emulator/test-helpers';

const MAIN = join(__dirname, '../support/esdb-emulator/main.js');

describe('standalone EventStoreDB emulator', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    // Only if the test failed before stopping it.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints "listening on <port>", serves the real client there, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [MAIN, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" within 20 s; output:\n${output}`)), 20_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
    });
    expect(output).toBe(`listening on ${port}\n`);

    const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${port}?tls=false`);
    try {
      await client.appendToStream('standalone-1', [event(0), event(1)], { expectedRevision: 'no_stream' });
      expect((await collect(client.readStream('standalone-1'))).map((r) => r.event?.revision)).toEqual([0n, 1n]);
    } finally {
      await client.dispose();
    }
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
