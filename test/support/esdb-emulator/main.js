/**
 * Standalone EventStoreDB emulator: `npm run esdb-emulator -- --port 2113` prints
 * `listening on <port>` and serves until SIGINT/SIGTERM.
 *
 * Plain JavaScript because tsconfig.build.json leaves test/ out of dist: this entry compiles the
 * emulator's TypeScript on load with the project's own `typescript` (transpile only, no type
 * check; `npx tsc --noEmit` covers that), so no extra loader package is needed.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const emulatorDir = __dirname + path.sep;
const previous = require.extensions['.ts'];
// require.extensions is deprecated but is still the one synchronous hook CommonJS offers.
require.extensions['.ts'] = (module, filename) => {
  if (!filename.startsWith(emulatorDir)) {
    if (previous) return previous(module, filename);
    throw new Error(`not an emulator file: ${filename}`);
  }
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

function portArgument(argv) {
  const index = argv.indexOf('--port');
  if (index === -1) return 0;
  const port = Number(argv[index + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a port number, got ${argv[index + 1]}`);
  return port;
}

async function main() {
  const { startEsdbEmulator } = require('./server.ts');
  const batchAppend = !process.argv.includes('--no-batch-append');
  const emulator = await startEsdbEmulator({ port: portArgument(process.argv.slice(2)), batchAppend });
  process.stdout.write(`listening on ${emulator.port}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
