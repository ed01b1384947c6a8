import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { CliError, EXIT, type Io, processIo } from './core/cli.ts';
import { DomainError } from './core/errors.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const HELP_FOOTER = `
Conventions:
  Data goes to stdout, messages and progress to stderr. Commands that print
  data accept --json. Colour is off when stdout is not a terminal, NO_COLOR
  is set or TERM=dumb. Commands ask for what is missing only on a terminal;
  with --no-input, or when standard input is not a terminal, they fail at
  once naming the flags to pass. Commands that delete or replace something
  ask first on a terminal and need --force otherwise.

Accessible mode:
  ACCESSIBLE=1, or "accessible": true in ~/.config/paved/config.json
  ($XDG_CONFIG_HOME/paved/config.json), numbers a survey's questions and the
  choices of every question that has them, and prints progress as plain
  lines after a static "Working…" line.

Exit codes:
  0  success
  1  failure (the message on stderr says what to do next)
  2  bad usage (an unknown command or option, a missing argument)

Environment:
  PAVED_DATABASE_URL  sqlite:./data/paved.db (default) or postgres://…
  PAVED_HOST, PAVED_PORT, PAVED_BASE_URL, PAVED_LOG_LEVEL  see README.md
`;

type Register = (program: Command, io: Io) => void;

/**
 * Each area's commands, in the order they are registered (an area may add
 * subcommands to another's, as operations does to import and event). An
 * area's code is loaded only when one of its commands runs, so a command
 * starts without loading every area.
 */
const AREAS: readonly { commands: readonly string[]; load: () => Promise<Register> }[] = [
  { commands: ['demo'], load: async () => (await import('./demo/cli.ts')).registerDemoCli },
  { commands: ['import'], load: async () => (await import('./org/cli.ts')).registerOrgCli },
  {
    commands: ['user', 'token', 'login', 'logout', 'whoami'],
    load: async () => (await import('./identity/cli.ts')).registerIdentityCli,
  },
  {
    commands: ['capability', 'exception', 'decision', 'decision-rights'],
    load: async () => (await import('./capabilities/cli.ts')).registerCapabilitiesCli,
  },
  {
    commands: ['roadmap', 'changelog'],
    load: async () => (await import('./roadmap/cli.ts')).registerRoadmapCli,
  },
  {
    commands: ['feedback'],
    load: async () => (await import('./feedback/cli.ts')).registerFeedbackCli,
  },
  { commands: ['inbox'], load: async () => (await import('./feedback/cli.ts')).registerInboxCli },
  {
    commands: ['event', 'source'],
    load: async () => (await import('./signals/cli.ts')).registerSignalsCli,
  },
  {
    commands: ['figures'],
    load: async () => (await import('./signals/cli-figures.ts')).registerFiguresCli,
  },
  {
    commands: ['survey', 'pulse'],
    load: async () => (await import('./surveys/cli.ts')).registerSurveysCli,
  },
  {
    commands: ['matrix', 'beta', 'report'],
    load: async () => (await import('./insights/cli.ts')).registerInsightsCli,
  },
  {
    commands: ['research', 'office-hours'],
    load: async () => (await import('./research/cli.ts')).registerResearchCli,
  },
  {
    commands: ['backup', 'restore', 'export', 'import', 'person', 'event'],
    load: async () => (await import('./operations/cli.ts')).registerOperationsCli,
  },
];

/**
 * The areas' commands as the top-level help lists them (usage term and
 * description), so that `paved --help` needs no area's code; main.test.ts
 * checks them against the commands themselves.
 */
const COMMAND_HELP: readonly (readonly [term: string, description: string])[] = [
  [
    'demo [options]',
    'fill the database with a generated demo organisation (deterministic per seed)',
  ],
  ['import', 'import data into the local database (one transaction per import)'],
  ['user', 'manage accounts in the local database (operators)'],
  ['token', 'manage API tokens in the local database (operators; people use their account page)'],
  ['login [options]', 'sign the CLI in to a paved server with an API token from your account page'],
  ['logout', 'forget the stored login (the token stays valid until revoked)'],
  ['whoami [options]', 'show who the CLI is signed in as, and where'],
  ['capability', 'the capability catalog and your team’s adoption (calls the paved API)'],
  ['exception', 'ask not to use a mandatory capability, challenge its policy, or decide requests'],
  ['decision', 'the decision log: every mandate, exception and stage decision, with its why'],
  ['decision-rights', 'who decides each category of decision (security, developer experience, …)'],
  ['roadmap', 'the roadmap, its reasons and proposals open for comment (calls the paved API)'],
  [
    'changelog [options]',
    'what shipped, newest first, and the feedback it answers (calls the paved API)',
  ],
  ['feedback', 'post, find and vote on feedback; triage it (calls the paved API)'],
  [
    'inbox [options]',
    'your notifications: status changes on feedback you follow (calls the paved API)',
  ],
  [
    'event',
    'send deploys, pull requests, incidents and other events (calls the paved API); operators prune old ones',
  ],
  ['source', 'manage ingest sources and their tokens in the local database (operators)'],
  [
    'figures',
    'onboarding, delivery, unplanned work and the time a capability saves (calls the paved API)',
  ],
  [
    'survey',
    'platform surveys: answer them, and read the results once closed (calls the paved API)',
  ],
  [
    'pulse [options] <capability> <rating>',
    'rate a capability right after using it, 1 (very poor) to 5 (very good)',
  ],
  [
    'matrix [options]',
    'every capability by whether it is required and whether developers are satisfied, and what each calls for (calls the paved API)',
  ],
  ['beta', 'beta programs: volunteer teams try a capability before everyone (calls the paved API)'],
  [
    'report [options]',
    'the quarterly platform report as Markdown, HTML or JSON (calls the paved API)',
  ],
  ['research', 'research notes and the friction they found (platform team; calls the paved API)'],
  ['office-hours', 'the weekly office hours: sessions, topics and figures (calls the paved API)'],
  [
    'backup [options] <file>',
    'copy the SQLite database to a file, safely while paved runs (PostgreSQL: pg_dump)',
  ],
  [
    'restore [options] <file>',
    'replace the SQLite database with a backup (stop paved first; PostgreSQL: pg_restore)',
  ],
  [
    'export [options] <file>',
    'write every table but sessions and secrets as NDJSON (answers shuffled)',
  ],
  ['person', 'people in the organisation (operators, local database)'],
];

/** How wide help is wrapped: COLUMNS when set, else the terminal's width, else 80. */
function helpWidth(io: Io): number {
  const columns = Number(io.env.COLUMNS);
  if (Number.isInteger(columns) && columns >= 40) return columns;
  const tty = io.isTty ? process.stdout.columns : 0;
  return tty && tty >= 40 ? tty : 80;
}

/** The command `argv` runs (`paved help feedback` runs feedback's help), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The `paved` command: serve and migrate, and the areas' commands. With
 * `argv`, only the areas of the command it runs are loaded, and the
 * top-level help lists the others from COMMAND_HELP; without it, every area.
 */
/**
 * A usage error of the command-line parser as one line: `paved: ` instead of
 * `error: `, any suggestion on the same line, and where help is.
 * @example usageErrorLine("error: unknown command 'vot'\n(Did you mean vote?)\n")
 * // "paved: unknown command 'vot' (Did you mean vote?). See paved help, or --help after a command."
 */
export function usageErrorLine(message: string): string {
  const text = message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/[.\s]*$/, '');
  return `paved: ${text}. See paved help, or --help after a command.`;
}

export async function buildProgram(io: Io, argv?: readonly string[]): Promise<Command> {
  const program = new Command('paved')
    .description('paved: run your internal developer platform as a product')
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--no-input', 'never ask: fail at once (exit 2) when an answer or --force is missing')
    .addHelpText('after', HELP_FOOTER)
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      // Usage errors in one line, like every other error, saying where help is.
      outputError: (s) => io.err(usageErrorLine(s)),
      // COLUMNS, else the terminal's width, else 80 (a terminal may report 0).
      getOutHelpWidth: () => helpWidth(io),
      getErrHelpWidth: () => helpWidth(io),
    })
    .exitOverride()
    .hook('preAction', (root, action) => {
      // The root owns --no-input, before or after the command; a command that
      // lists it in its own help (withNoInput) sees it in its options too.
      if (root.opts().input === false) {
        io.noInput = true;
        if (action.options.some((o) => o.attributeName() === 'input')) {
          action.setOptionValue('input', false);
        }
      }
    });

  program
    .command('serve')
    .description('serve the web UI and API (never adds demo data)')
    .action(async () => {
      // Stack traces in the server's logs name the TypeScript sources (bin/paved.js runs
      // them compiled); only here, since reading the maps slows every command's start.
      process.setSourceMapsEnabled(true);
      const [
        { startBackgroundWork },
        { loadConfig },
        { startupGuards },
        { openDatabase },
        { migrateToLatest },
        { createLogger },
        { firstAdminLink },
        { createDeps, startMetricsServer, startServer },
      ] = await Promise.all([
        import('./background.ts'),
        import('./core/config.ts'),
        import('./core/db/guards.ts'),
        import('./core/db/index.ts'),
        import('./core/db/migrate.ts'),
        import('./core/log.ts'),
        import('./identity/setup.ts'),
        import('./server.ts'),
      ]);
      const config = loadConfig(io.env);
      const log = createLogger(config.logLevel);
      const handle = await openDatabase(config.databaseUrl);
      const applied = await migrateToLatest(handle);
      if (applied.length > 0) io.err(`Applied ${applied.length} migration(s).`);
      // Reads back what a crash depends on; risky settings are logged as warnings.
      await startupGuards(handle, log);
      const deps = createDeps(handle, config, log);
      const server = await startServer(deps);
      const metricsServer =
        config.metrics.port === null ? null : await startMetricsServer(deps, config.metrics.port);
      const stopBackground = startBackgroundWork(deps);
      io.err(
        `paved is listening on ${server.url} (database: ${handle.engine}, ${handle.location})`,
      );
      if (metricsServer) io.err(`Prometheus metrics on ${metricsServer.url} (this machine only)`);
      const setup = await firstAdminLink(handle.db, config.baseUrl);
      if (setup) {
        io.err(`No accounts yet. Create the first admin at ${setup} (valid 24 hours, once),`);
        io.err('or run: paved user add --email you@example.com --name "Your Name" --role admin');
      }
      io.err('Press Ctrl+C to stop.');
      const stop = async () => {
        stopBackground();
        deps.mailer?.close();
        await metricsServer?.close();
        await server.close();
        await handle.close();
        process.exit(EXIT.ok);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const [{ loadConfig }, { openDatabase }, { migrateToLatest }] = await Promise.all([
        import('./core/config.ts'),
        import('./core/db/index.ts'),
        import('./core/db/migrate.ts'),
      ]);
      const config = loadConfig(io.env);
      const handle = await openDatabase(config.databaseUrl);
      try {
        const applied = await migrateToLatest(handle);
        io.err(
          applied.length === 0
            ? 'The database is up to date.'
            : `Applied ${applied.length} migration(s): ${applied.join(', ')}.`,
        );
      } finally {
        await handle.close();
      }
    });

  // The top-level list shows names only, so that descriptions wrap within 80 columns.
  const help = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => (cmd.parent === program ? cmd.name() : help.subcommandTerm(cmd)),
  });

  const command = argv ? commandOf(argv) : undefined;
  const needed = argv ? AREAS.filter((a) => command && a.commands.includes(command)) : AREAS;
  if (needed.length > 0) {
    for (const register of await Promise.all(needed.map((a) => a.load()))) register(program, io);
  } else if (command !== 'serve' && command !== 'migrate') {
    // The top-level help, or an unknown command: the areas' commands by name only.
    for (const [term, description] of COMMAND_HELP) {
      program.command(term.split(' ')[0]!).description(description);
    }
  }
  return program;
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  // A copy, so that what one run sets (--no-input) never leaks into the next.
  io = { ...io };
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return EXIT.ok;
      }
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`paved: ${error.message}`);
      return error.exitCode;
    }
    // Loaded only on this path: commands that never open a database start without them.
    const [{ ConfigError }, { DatabaseSetupError }, { SecretSetupError }] = await Promise.all([
      import('./core/config.ts'),
      import('./core/db/index.ts'),
      import('./core/secret.ts'),
    ]);
    if (error instanceof ConfigError) {
      io.err(error.message);
      return EXIT.failure;
    }
    if (
      error instanceof DomainError ||
      error instanceof DatabaseSetupError ||
      error instanceof SecretSetupError
    ) {
      io.err(`paved: ${error.message}`);
      return EXIT.failure;
    }
    io.err(`paved: unexpected error: ${(error as Error).message ?? String(error)}`);
    return EXIT.failure;
  }
}
