/** The `ringtail` command line (DESIGN.md §3.1), built with commander. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { configureClusterCommand } from './cluster-command.js';
import { type CqlFlags, type CqlIo, runCql } from './cql.js';
import { EXIT_OK, EXIT_USAGE } from './errors.js';
import { DEFAULT_HISTORY_FILE_NAME, DEFAULT_HOST, HISTORY_FILE_ENV, HOST_ENV } from './shell/constants.js';

/** What every command may use of its process; `cql` uses it all, `start` the StartIo part. */
export type CliIo = CqlIo;

/** Commands of DESIGN.md §3.1 that are not built yet, and what to use meanwhile. */
const LATER_COMMANDS: readonly { name: string; summary: string; meanwhile: string }[] = [
  {
    name: 'nodetool',
    summary: 'operate a node (status, flush, compact, drain, ...)',
    meanwhile: "call a node's /status and /admin/* endpoints",
  },
  { name: 'stress', summary: 'load generator', meanwhile: 'use any HTTP load tool against /cql' },
];

/**
 * The whole command line. `configureStart` adds the options and action of
 * `start` (start-command.ts); without it `start` is only listed.
 */
export function buildProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  configureStart?: (start: Command) => void,
): Command {
  const program = new Command('ringtail')
    .description('Ringtail: a Cassandra-style wide-column database')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const start = program
    .command('start')
    .description('run one node in the foreground; SIGTERM or Ctrl-C drains it and exits 0');
  configureStart?.(start);

  configureClusterCommand(program.command('cluster'), io, setExitCode);

  program
    .command('cql')
    .description('CQL shell: interactive on a terminal; runs -e, -f or piped statements and exits otherwise')
    .option('--host <url>', `HTTP address of a node (also ${HOST_ENV}; default ${DEFAULT_HOST})`)
    .option('-k, --keyspace <name>', 'keyspace to USE first')
    .option('-e, --execute <statements>', "run these statements (';'-separated) and exit")
    .option('-f, --file <file>', 'run the statements of this file and exit')
    .addHelpText(
      'after',
      [
        '',
        "Statements end with ';' and may span lines; HELP lists the shell commands (DESCRIBE, EXPAND,",
        'PAGING, CONSISTENCY, EXIT). Errors go to stderr; the shell goes on after a failed statement.',
        `History: ~/${DEFAULT_HISTORY_FILE_NAME} (or ${HISTORY_FILE_ENV}), on a terminal only.`,
        'Exit codes: 0 every statement succeeded (or an interactive session ended), 1 a statement failed',
        'or the node could not be reached, 2 usage error. See docs/shell.md.',
      ].join('\n'),
    )
    .action(async (flags: CqlFlags) => {
      setExitCode(await runCql(flags, io));
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
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  // `start` loads the whole node (fastify, storage, ...): not for `ringtail cql`, which then starts in a
  // fraction of the time. Program options take no values, so the first other word is the command.
  const command = args.find((arg) => !arg.startsWith('-'));
  const configureStartCommand =
    command === 'cql' ? undefined : (await import('./start-command.js')).configureStartCommand;
  const program = buildProgram(
    io,
    setExitCode,
    configureStartCommand && ((start) => configureStartCommand(start, io, setExitCode)),
  );
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
