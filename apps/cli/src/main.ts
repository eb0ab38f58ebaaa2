import { parseArgs } from 'node:util';
import { loadConfig } from '#infra/config/config';
import { UsageError } from './cli-output';

const USAGE = `usage: npm run cli -- <command> [options]
  start                                              run the service (npm start does this)
  bootstrap --company <name> --admin-email <email>   create a company, its Vibot.admin role and first admin; prints a token
  token --user <id> [--ttl 1h]                       mint a token for an existing user (local use)
  token --service connector-runtime --company <id> [--ttl 1h]
                                                     mint a service token for one company (local use)
  db-url                                             the service's database connection string
  grant --user <id> --role <code> --reason <text>    break-glass: grant a role directly (recorded, service actor)
  revoke --user <id> --role <code> --reason <text>   break-glass: revoke a role directly
  shred-keys --company <id> --reason <text>          crypto-shredding: destroy every key of a company (secrets unreadable, log intact)
  verify-log [--stream <name>]                       recompute every stream's hash chain; exit 1 on a broken link
  verify-export <file>                               verify an NDJSON export (GET /v1/audit/export) offline; exit 1 if broken
  as-of --at <ISO time|position> --schema <name> [--replace]
                                                     build every read table as it was then into a separate schema (same RLS)
  rebuild [projection]                               replay the log into new tables beside the live ones, then swap them in
  verify-read-models                                 replay into a scratch schema, compare row by row with the live tables
  projections                                        checkpoints, status and lag of every projection
  skip-event --projection <name> --reason <text>     move a halted projection past the event it cannot apply
  every command takes --json for machine-readable output on stdout`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      company: { type: 'string' },
      'admin-email': { type: 'string' },
      user: { type: 'string' },
      service: { type: 'string' },
      ttl: { type: 'string' },
      projection: { type: 'string' },
      reason: { type: 'string' },
      role: { type: 'string' },
      stream: { type: 'string' },
      at: { type: 'string' },
      schema: { type: 'string' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  // verify-export works offline on a file: it must not need (or create) any configuration.
  if (!values.help && positionals[0] === 'verify-export') return (await import('./verify-export')).verifyExportCommand(positionals[1], values);
  const config = loadConfig();
  // Each command loads only what it needs: `token` should not wait for NestJS to load.
  switch (values.help ? 'help' : positionals[0]) {
    case 'start':
      return (await import('./start-service')).startService(config);
    case 'bootstrap':
      return (await import('./bootstrap-company')).bootstrapCompany(config, values);
    case 'token':
      return (await import('./mint-user-token')).mintUserToken(config, values);
    case 'db-url':
      return (await import('./database-url')).printDatabaseUrl(config, values);
    case 'grant':
    case 'revoke':
      return (await import('./grant-or-revoke')).grantOrRevoke(config, positionals[0] as 'grant' | 'revoke', values);
    case 'shred-keys':
      return (await import('./shred-keys')).shredKeys(config, values);
    case 'verify-log':
      return (await import('./verify-log')).verifyLogCommand(config, values);
    case 'as-of':
      return (await import('./read-model-commands')).asOfCommand(config, values);
    case 'rebuild':
      return (await import('./read-model-commands')).rebuildCommand(config, positionals[1], values);
    case 'verify-read-models':
      return (await import('./read-model-commands')).verifyReadModelsCommand(config, values);
    case 'projections':
      return (await import('./projection-operations')).listProjections(config, values);
    case 'skip-event':
      return (await import('./projection-operations')).skipEvent(config, values);
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(positionals[0] ? `unknown command ${positionals[0]}` : 'no command given');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
