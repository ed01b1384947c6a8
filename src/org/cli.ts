import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { recordAudit } from '../core/audit.ts';
import { CliError, type Io, withDatabase, withJson } from '../core/cli.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { importBackstageCatalog, readBackstageCatalog } from './backstage.ts';
import { formatRowError, importPeopleCsv, PEOPLE_COLUMNS, PeopleCsvError } from './csv.ts';
import type { Counts, ImportSummary } from './model.ts';

/**
 * The `paved import` command, created on first use, so that every area can
 * add its own `import <kind>` subcommand to the same parent.
 * @example importCommand(program).command('paved').action(…)
 */
export function importCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program
      .command('import')
      .description('import data into the local database (one transaction per import)')
  );
}

/** Operator commands for the organisation: `paved import backstage|people`. */
export function registerOrgCli(program: Command, io: Io): void {
  const parent = importCommand(program);

  withJson(
    parent
      .command('backstage')
      .description(
        'import teams, people and services from Backstage catalog YAML (files or directories); ' +
          'teams, people and services missing from it are marked inactive',
      )
      .argument('<paths...>', 'catalog files, or directories searched for *.yaml and *.yml')
      .option('--partial', 'only add and update; mark nothing inactive'),
  ).action(async (paths: string[], opts: { json?: boolean; partial?: boolean }) => {
    const catalog = await readBackstageCatalog(paths).catch(rethrowAsCliError);
    const summary = await withDatabase(io, (handle) =>
      handle.db.transaction().execute(async (trx) => {
        const result = await importBackstageCatalog(trx, catalog, {
          full: !opts.partial,
          today: utcToday(),
        });
        await auditImport(trx, 'backstage', result);
        return result;
      }),
    );
    report(io, 'Imported the Backstage catalog.', summary, opts.json);
  });

  withJson(
    parent
      .command('people')
      .description(`import people from CSV with the header ${PEOPLE_COLUMNS.join(',')}`)
      .argument('<file>', 'a CSV file; name and email are required, team is a slug or group ref')
      .addHelpText(
        'after',
        '\nA row whose email matches a person in paved updates them; other rows add people.\n' +
          'start_date is YYYY-MM-DD. Nobody is marked inactive. Any bad row stops the\n' +
          'whole import.\n\nExample:\n  paved import people people.csv',
      ),
  ).action(async (file: string, opts: { json?: boolean }) => {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message);
      throw new CliError(`Cannot read ${file}: ${why}. Check the path and run the import again.`);
    });
    const summary = await withDatabase(io, (handle) =>
      handle.db.transaction().execute(async (trx) => {
        const result = await importPeopleCsv(trx, text, { today: utcToday() });
        await auditImport(trx, 'people-csv', result);
        return result;
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof PeopleCsvError)) throw error;
      for (const rowError of error.rowErrors) io.err(`${file}: ${formatRowError(rowError)}`);
      const n = error.rowErrors.length;
      throw new CliError(
        `${file} has ${n} problem${n === 1 ? '' : 's'} (listed above); nothing was imported. Fix ${n === 1 ? 'it' : 'them'} and run the import again.`,
      );
    });
    report(io, `Imported people from ${file}.`, summary, opts.json);
  });
}

function rethrowAsCliError(error: unknown): never {
  if (error instanceof InvalidInput) {
    throw new CliError(`${error.message} Nothing was imported; fix this and run the import again.`);
  }
  throw error;
}

/** Today's date in UTC, the date an import marks missing rows inactive from. */
function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The summary: JSON on stdout for scripts, or lines on stderr for people. */
function report(io: Io, title: string, summary: ImportSummary, json: boolean | undefined): void {
  if (json) {
    io.out(JSON.stringify(summary, null, 2));
    return;
  }
  const counts = (c: Counts) =>
    `${c.created} created, ${c.updated} updated, ${c.deactivated} marked inactive`;
  const skipped = Object.entries(summary.skipped)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`);
  const lines = [
    title,
    `  teams:    ${counts(summary.teams)}`,
    `  people:   ${counts(summary.people)}`,
    `  services: ${counts(summary.services)}`,
    `  skipped:  ${skipped.length > 0 ? skipped.join(', ') : 'nothing'}`,
  ];
  const n = summary.warnings.length;
  if (n > 0)
    lines.push(`${n} warning${n === 1 ? '' : 's'}:`, ...summary.warnings.map((w) => `  - ${w}`));
  io.err(lines.join('\n'));
}

/** Imports are operator changes: audited without a user, with their counts. */
function auditImport(db: Db, source: string, summary: ImportSummary): Promise<void> {
  return recordAudit(db, {
    actor: null,
    action: 'org.import',
    details: {
      via: 'cli',
      source,
      teamsCreated: summary.teams.created,
      teamsUpdated: summary.teams.updated,
      teamsDeactivated: summary.teams.deactivated,
      peopleCreated: summary.people.created,
      peopleUpdated: summary.people.updated,
      peopleDeactivated: summary.people.deactivated,
    },
  });
}
