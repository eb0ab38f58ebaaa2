import { parseArgs } from 'node:util';
import { UsageError } from './cli-output';

export type Flags = Record<string, string | boolean | undefined>;
export type CommandLine = Readonly<{ command: string; positionals: readonly string[]; flags: Flags }>;

export type CommandSpec = Readonly<{ flags: readonly string[]; positionals: number }>;

/**
 * Which flags and how many positional arguments each command takes. Anything else is refused
 * rather than ignored: `bootstrap --company Acme Corp` (unquoted) must not create "Acme", and a
 * flag meant for another command must not look as if it had done something.
 */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  start: { flags: [], positionals: 0 },
  bootstrap: { flags: ['company', 'admin-email', 'ttl', 'allow-duplicate'], positionals: 0 },
  token: { flags: ['user', 'service', 'company', 'ttl'], positionals: 0 },
  'db-url': { flags: [], positionals: 0 },
  grant: { flags: ['user', 'role', 'reason'], positionals: 0 },
  revoke: { flags: ['user', 'role', 'reason'], positionals: 0 },
  'shred-keys': { flags: ['company', 'reason'], positionals: 0 },
  'verify-log': { flags: ['stream'], positionals: 0 },
  'verify-export': { flags: [], positionals: 1 },
  'as-of': { flags: ['at', 'schema', 'replace'], positionals: 0 },
  rebuild: { flags: [], positionals: 1 },
  'verify-read-models': { flags: [], positionals: 0 },
  projections: { flags: [], positionals: 0 },
  'skip-event': { flags: ['projection', 'reason'], positionals: 0 },
  help: { flags: [], positionals: 0 },
};


const BOOLEAN = new Set(['json', 'help', 'replace', 'allow-duplicate']);
const OPTIONS = Object.fromEntries(
  [...new Set(Object.values(COMMANDS).flatMap((spec) => spec.flags)), 'json', 'help'].map((name) => [
    name,
    { type: BOOLEAN.has(name) ? ('boolean' as const) : ('string' as const), ...(name === 'help' ? { short: 'h' } : {}) },
  ]),
);

/**
 * Whether one of `names` is on the command line before a `--`, read from argv itself: the
 * answer is needed when parseArgs refuses the line (an error must still be JSON with --json).
 */
export function hasRawFlag(argv: readonly string[], names: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => names.includes(arg));
}

function parse(argv: string[]): { positionals: string[]; values: Flags } {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const message = (error as Error).message;
    const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1];
    // "argument missing" (at the end of the line) and "argument is ambiguous" (followed by
    // another flag, as in `--reason --json`) are the same mistake to the operator.
    if (option !== undefined && /argument (missing|is ambiguous)/.test(message)) {
      throw new UsageError(`option '${option}' needs a value (one starting with '-' is written ${option}=-…); see --help`);
    }
    // Node's first sentence says what is wrong; the rest explains '--' for positionals.
    const first = message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${first.charAt(0).toLowerCase()}${first.slice(1)}; see --help`);
  }
}

/** The command, its positional arguments and flags, each checked against what the command takes. */
export function parseCommandLine(argv: string[]): CommandLine {
  const { positionals, values } = parse(argv);
  if (values.help === true) return { command: 'help', positionals: [], flags: values };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given; see --help');
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}; see --help`);
  for (const flag of Object.keys(values)) {
    if (flag !== 'json' && !spec.flags.includes(flag)) throw new UsageError(`${command} does not take --${flag}; see --help`);
  }
  if (rest.length > spec.positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[spec.positionals])} for ${command} (quote a value that has spaces); see --help`);
  }
  return { command, positionals: rest, flags: values };
}
