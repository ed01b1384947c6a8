import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { startBackgroundWork } from './background.ts';
import { registerCapabilitiesCli } from './capabilities/cli.ts';
import { CliError, EXIT, type Io, processIo } from './core/cli.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { startupGuards } from './core/db/guards.ts';
import { DatabaseSetupError, openDatabase } from './core/db/index.ts';
import { migrateToLatest } from './core/db/migrate.ts';
import { DomainError } from './core/errors.ts';
import { createLogger } from './core/log.ts';
import { SecretSetupError } from './core/secret.ts';
import { registerDemoCli } from './demo/cli.ts';
import { registerFeedbackCli, registerInboxCli } from './feedback/cli.ts';
import { registerIdentityCli } from './identity/cli.ts';
import { firstAdminLink } from './identity/setup.ts';
import { registerInsightsCli } from './insights/cli.ts';
import { registerOrgCli } from './org/cli.ts';
import { registerResearchCli } from './research/cli.ts';
import { registerRoadmapCli } from './roadmap/cli.ts';
import { createDeps, startMetricsServer, startServer } from './server.ts';
import { registerSignalsCli } from './signals/cli.ts';
import { registerFiguresCli } from './signals/cli-figures.ts';
import { registerSurveysCli } from './surveys/cli.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const HELP_FOOTER = `
Conventions:
  Data goes to stdout, messages and progress to stderr. Commands that print
  data accept --json. Colour is off when stdout is not a terminal or NO_COLOR
  is set.

Exit codes:
  0  success
  1  failure (the message on stderr says what to do next)
  2  bad usage (an unknown command or option, a missing argument)

Environment:
  PAVED_DATABASE_URL  sqlite:./data/paved.db (default) or postgres://…
  PAVED_HOST, PAVED_PORT, PAVED_BASE_URL, PAVED_LOG_LEVEL  see README.md
`;

/** The `paved` command with every area's subcommands. */
export function buildProgram(io: Io): Command {
  const program = new Command('paved')
    .description('paved: run your internal developer platform as a product')
    .version(pkg.version, '-V, --version', 'print the version')
    .addHelpText('after', HELP_FOOTER)
    .showHelpAfterError('(run paved help for the commands)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('serve')
    .description('serve the web UI and API (never adds demo data)')
    .action(async () => {
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

  registerDemoCli(program, io);
  registerOrgCli(program, io);
  registerIdentityCli(program, io);
  registerCapabilitiesCli(program, io);
  registerRoadmapCli(program, io);
  registerFeedbackCli(program, io);
  registerInboxCli(program, io);
  registerSignalsCli(program, io);
  registerFiguresCli(program, io);
  registerSurveysCli(program, io);
  registerInsightsCli(program, io);
  registerResearchCli(program, io);
  return program;
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
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
    if (error instanceof ConfigError) {
      io.err(error.message);
      return EXIT.failure;
    }
    if (error instanceof CliError) {
      io.err(`paved: ${error.message}`);
      return error.exitCode;
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
