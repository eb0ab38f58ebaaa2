import { loadConfig } from '#infra/config/config';
import { type CommandLine, hasRawFlag, parseCommandLine } from './cli-arguments';
import { reportError } from './cli-errors';
import { UsageError } from './cli-output';

const USAGE = `usage: npm run cli -- <command> [options]
  start                                              run the service (npm start does this)
  bootstrap --company <name> --admin-email <email> [--ttl 12h] [--allow-duplicate]
                                                     create a company, its Vibot.admin role and first admin; prints a token;
                                                     refuses a second company of the same name and admin email unless --allow-duplicate
  token --user <id> [--ttl 1h]                       mint a token for an existing user (local use)
  token --service connector-runtime --company <id> [--ttl 1h]
                                                     mint a service token for one company (local use)
  db-url                                             the service's database connection string
  grant --user <id> --role <code> --reason <text>    break-glass: grant a role directly (recorded, service actor)
  revoke --user <id> --role <code> --reason <text>   break-glass: revoke a role directly
  shred-keys --company <id> --reason <text>          crypto-shredding: destroy every key of a company (secrets unreadable, log intact)
  verify-log [--stream <name>]                       recompute every stream's hash chain; exit 1 on a broken link
  verify-export <file>                               verify an NDJSON export (GET /v1/audit/export) and its manifest offline;
                                                     exit 1 if broken; prints the manifest's sha-256 to compare with your anchored copy
  as-of --at <ISO time|position> --schema <name> [--replace]
                                                     build every read table as it was then into a separate schema (same RLS)
  rebuild [projection]                               replay the log into new tables beside the live ones, then swap them in
  verify-read-models                                 replay into a scratch schema, compare row by row with the live tables
  projections                                        checkpoints, status and lag of every projection
  skip-event --projection <name> --reason <text>     move a halted projection past the event it cannot apply
  help, --help, -h                                   this text
every command takes --json for machine-readable output on stdout.
errors: one line on stderr ("error: …"), or with --json one line {"error": "…", "code": "…"} on stdout; exit 2.
exit 1 is a result, not an error: verify-log, verify-export or verify-read-models found something broken.`;

async function run({ command, positionals, flags }: CommandLine): Promise<void> {
  // verify-export works offline on a file: it must not need (or create) any configuration.
  if (command === 'verify-export') return (await import('./verify-export-command')).verifyExportCommand(positionals[0], flags);
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig();
  // Each command loads only what it needs: `token` should not wait for NestJS to load.
  switch (command) {
    case 'start':
      return (await import('./start-service')).startService(config);
    case 'bootstrap':
      return (await import('./bootstrap-company')).bootstrapCompany(config, flags);
    case 'token':
      return (await import('./mint-user-token')).mintUserToken(config, flags);
    case 'db-url':
      return (await import('./database-url')).printDatabaseUrl(config, flags);
    case 'grant':
    case 'revoke':
      return (await import('./grant-or-revoke')).grantOrRevoke(config, command, flags);
    case 'shred-keys':
      return (await import('./shred-keys')).shredKeys(config, flags);
    case 'verify-log':
      return (await import('./verify-log-command')).verifyLogCommand(config, flags);
    case 'as-of':
      return (await import('./read-model-commands')).asOfCommand(config, flags);
    case 'rebuild':
      return (await import('./read-model-commands')).rebuildCommand(config, positionals[0], flags);
    case 'verify-read-models':
      return (await import('./read-model-commands')).verifyReadModelsCommand(config, flags);
    case 'projections':
      return (await import('./projection-operations')).listProjections(config, flags);
    case 'skip-event':
      return (await import('./projection-operations')).skipEvent(config, flags);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; see --help`);
  }
}

const argv = process.argv.slice(2);
// Read from argv itself, so that a line parseArgs refuses still gets its error as JSON.
const json = hasRawFlag(argv, ['--json']);
let line: CommandLine;
try {
  line = parseCommandLine(argv);
} catch (error) {
  // --help wins over whatever else is wrong on the line: the operator asked how to write it.
  if (hasRawFlag(argv, ['--help', '-h'])) line = { command: 'help', positionals: [], flags: {} };
  else reportError(error, json);
}
if (line.command !== 'start') {
  // A one-shot command reports even a failure nobody awaited (a pool's idle client erroring) as
  // one line. The service keeps Node's default: its crash stack belongs in its log.
  process.on('uncaughtException', (error) => reportError(error, json));
  process.on('unhandledRejection', (error) => reportError(error, json));
}
run(line).catch((error: unknown) => reportError(error, json));
