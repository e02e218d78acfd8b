/** The `ringtail` command line (DESIGN.md §3.1), built with commander. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './errors.js';
import { CONFIG_ENV, CONFIG_FLAG, DEFAULT_START_SETTINGS, START_SETTINGS } from './settings.js';
import { runStart, type StartIo } from './start.js';

/** Commands of DESIGN.md §3.1 that are not built yet, and what to use meanwhile. */
const LATER_COMMANDS: readonly { name: string; summary: string; meanwhile: string }[] = [
  {
    name: 'cluster',
    summary: 'run a local ring of node processes',
    meanwhile: 'run several `ringtail start` with different --data-dir and --http-port',
  },
  { name: 'cql', summary: 'interactive CQL shell', meanwhile: "POST to a node's /cql endpoint" },
  {
    name: 'nodetool',
    summary: 'operate a node (status, flush, compact, drain, ...)',
    meanwhile: "call a node's /status and /admin/* endpoints",
  },
  { name: 'stress', summary: 'load generator', meanwhile: 'use any HTTP load tool against /cql' },
];

export function buildProgram(io: StartIo, setExitCode: (code: number) => void): Command {
  const program = new Command('ringtail')
    .description('Ringtail: a Cassandra-style wide-column database')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const start = program
    .command('start')
    .description('run one node in the foreground; SIGTERM or Ctrl-C drains it and exits 0')
    .option(`${CONFIG_FLAG} <file>`, `JSON config file (also ${CONFIG_ENV})`);
  for (const spec of START_SETTINGS) {
    const fallback = DEFAULT_START_SETTINGS[spec.key];
    const shown = Array.isArray(fallback) ? fallback.join(',') : fallback;
    const defaults = shown === undefined || shown === '' ? '' : `; default ${shown}`;
    start.option(`${spec.flag} ${spec.valueName}`, `${spec.description} (also ${spec.env}${defaults})`);
  }
  start.addHelpText(
    'after',
    '\nPrecedence: flags > RINGTAIL_* variables > config file > defaults. See docs/operations.md.',
  );
  start.action(async (flags: Record<string, string | undefined>) => {
    setExitCode(await runStart(flags, io));
  });

  for (const later of LATER_COMMANDS) {
    program
      .command(later.name)
      .description(`${later.summary} (not available yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        io.writeError(`ringtail ${later.name} arrives in a later release; meanwhile, ${later.meanwhile}.`);
        setExitCode(EXIT_USAGE);
      });
  }
  return program;
}

/** Runs `ringtail` with `args` (without the node and script paths); resolves with the exit code. */
export async function main(args: readonly string[], io: StartIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (args.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version exit 0; every other commander error is a usage error it has already printed.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return exitCode;
}

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
