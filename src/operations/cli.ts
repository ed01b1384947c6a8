// Operator commands for the data's life: backup, restore, export, import,
// forgetting a person and pruning raw events. They act on the local
// database named by PAVED_DATABASE_URL, like `paved migrate`.

import { existsSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { wrap } from '../capabilities/cli-support.ts';
import { recordAudit } from '../core/audit.ts';
import {
  CliError,
  confirmOrForce,
  EXIT,
  type Io,
  progress,
  withDatabase,
  withJson,
} from '../core/cli.ts';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/index.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { loadSecret } from '../core/secret.ts';
import { importCommand } from '../org/cli.ts';
import { backupSqlite, inspectSqliteFile, replaceSqliteFile } from './backup.ts';
import { exportPaved } from './export.ts';
import { fileLines, fileSink, stdinLines, syncAndRename } from './files.ts';
import { forgetPerson, lookForget } from './forget.ts';
import { filledTables, importPaved } from './import.ts';
import { pruneRawEvents, rawEventRetentionDays } from './retention.ts';
import { LEFT_OUT } from './tables.ts';

/** `paved backup|restore|export`, `paved import paved`, `paved person forget`, `paved event prune`. */
export function registerOperationsCli(program: Command, io: Io): void {
  registerBackup(program, io);
  registerRestore(program, io);
  registerExport(program, io);
  registerImport(program, io);
  registerForget(program, io);
  registerPrune(program, io);
}

function sqlitePath(io: Io, what: string, instead: string): string {
  const { databaseUrl } = loadConfig(io.env);
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new CliError(`paved ${what} works on SQLite only; with PostgreSQL ${instead}.`);
  }
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:') throw new CliError(`paved ${what} needs a database file, not :memory:.`);
  return resolve(path);
}

/** Megabytes with one decimal, or kilobytes for small files. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

function registerBackup(program: Command, io: Io): void {
  withJson(
    program
      .command('backup')
      .description(
        'copy the SQLite database to a file, safely while paved runs (PostgreSQL: pg_dump)',
      )
      .argument('<file>', 'where to write the copy')
      .option('--force', 'replace the file if it exists'),
  ).action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
    const database = sqlitePath(
      io,
      'backup',
      'use pg_dump (see README, Backups) or paved export <file>',
    );
    const config = loadConfig(io.env);
    // Opened without migrating: a backup taken before an upgrade keeps the old schema.
    if (existsSync(resolve(file)) && !opts.force) {
      throw new CliError(`${file} already exists; pass --force to replace it, or name a new file.`);
    }
    const handle = await openDatabase(config.databaseUrl);
    const steps = progress(io, 'Backup');
    steps.step(`copying ${database}…`);
    const result = await backupSqlite(handle, file, { force: opts.force }).finally(() => {
      steps.done();
      return handle.close();
    });
    if (opts.json) io.out(JSON.stringify(result));
    io.err(
      `Backed up ${database} to ${result.file}: ${formatBytes(result.bytes)}, ${result.tables} tables.`,
    );
    io.err(
      config.secret
        ? 'The server secret is not in the backup: keep PAVED_SECRET with it.'
        : `The server secret is not in the backup: keep ${resolve(database, '..', 'paved.key')} with it.`,
    );
  });
}

function registerRestore(program: Command, io: Io): void {
  withJson(
    program
      .command('restore')
      .description(
        'replace the SQLite database with a backup (stop paved first; PostgreSQL: pg_restore)',
      )
      .argument('<file>', 'a file written by paved backup')
      .option('--force', 'replace a database that holds data without asking'),
  ).action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
    const target = sqlitePath(
      io,
      'restore',
      'use pg_restore (see README, Backups) or paved import paved <file> into an empty database',
    );
    const config = loadConfig(io.env);
    const check = inspectSqliteFile(resolve(file));
    if (existsSync(target)) {
      const handle = await openDatabase(config.databaseUrl);
      const filled = await filledTables(handle.db, handle.engine).finally(() => handle.close());
      if (filled.length > 0) {
        await confirmOrForce(
          io,
          opts.force,
          `${target} holds data (${filled.slice(0, 3).join(', ')}${filled.length > 3 ? ', …' : ''}); restoring replaces all of it.`,
          `Type yes to replace it with ${basename(file)}: `,
        );
      }
    }
    const steps = progress(io, 'Restore');
    steps.step(`replacing ${target}…`);
    replaceSqliteFile(file, target);
    const handle = await openDatabase(config.databaseUrl);
    const applied = await (async () => {
      try {
        steps.step('applying migrations…');
        const done = await migrateToLatest(handle);
        await recordAudit(handle.db, {
          actor: null,
          action: 'database.restore',
          details: { via: 'cli', from: basename(file), migrations: done.length },
        });
        return done;
      } finally {
        steps.done();
        await handle.close();
      }
    })();
    if (opts.json)
      io.out(JSON.stringify({ file: target, tables: check.tables, migrationsApplied: applied }));
    io.err(
      `Restored ${basename(file)} into ${target}: ${check.tables} tables${applied.length > 0 ? `; applied ${applied.length} migration(s)` : ''}.`,
    );
    io.err(
      'Use the server secret the backup was made with (paved.key or PAVED_SECRET); then start paved with paved serve.',
    );
  });
}

function registerExport(program: Command, io: Io): void {
  program
    .command('export')
    .description('write every table but sessions and secrets as NDJSON (answers shuffled)')
    .argument('<file>', 'the file to write, or - for standard output')
    .option('--force', 'replace the file if it exists')
    .addHelpText(
      'after',
      `\n${wrap(`Left out: ${Object.keys(LEFT_OUT).join(', ')}, password hashes, webhook signing secrets, secret settings, and subscriptions to feedback posted as a team.`, '')}\n\nRead it back with paved import paved <file> into an empty database.\n\nExamples:\n  paved export backups/paved.ndjson\n  paved export - | gzip > paved.ndjson.gz`,
    )
    .action(async (file: string, opts: { force?: boolean }) => {
      const toStdout = file === '-';
      if (!toStdout && existsSync(file) && !opts.force) {
        throw new CliError(
          `${file} already exists; pass --force to replace it, or name a new file.`,
          EXIT.usage,
        );
      }
      const steps = progress(io, 'Export');
      const onTable = (table: string, rows: number) => {
        if (rows > 0) steps.step(`${table}: ${rows.toLocaleString('en')} rows`);
      };
      const summary = await withDatabase(io, async (handle) => {
        if (toStdout) {
          return exportPaved(handle, async (text) => io.out(text.replace(/\n$/, '')), { onTable });
        }
        const out = fileSink(resolve(file));
        try {
          const result = await exportPaved(handle, out.write, { onTable });
          await out.close();
          syncAndRename(out.partial, resolve(file));
          return result;
        } finally {
          rmSync(out.partial, { force: true });
        }
      }).finally(() => steps.done());
      const tables = Object.values(summary.tables).filter((n) => n > 0).length;
      io.err(
        `Exported ${summary.rows.toLocaleString('en')} rows from ${tables} tables${toStdout ? '' : ` to ${file}`} (schema version ${summary.version}).`,
      );
      for (const title of summary.openSurveys) {
        io.err(
          `Survey “${title}” is open: who has answered is not exported, so after an import its invitees could answer again. Export after it closes to avoid that.`,
        );
      }
    });
}

function registerImport(program: Command, io: Io): void {
  withJson(
    importCommand(program)
      .command('paved')
      .description('read a paved export (paved export) into an empty database, in one transaction')
      .argument('<file>', 'the export file, or - for standard input'),
  ).action(async (file: string, opts: { json?: boolean }) => {
    const lines = file === '-' ? stdinLines(io) : fileLines(file);
    const summary = await withDatabase(io, (handle, config) =>
      importPaved(handle, lines, { secret: loadSecret(config, handle) }),
    );
    if (opts.json) io.out(JSON.stringify(summary));
    const tables = Object.keys(summary.tables).length;
    io.err(
      `Imported ${summary.rows.toLocaleString('en')} rows into ${tables} tables from the export of ${summary.exportedAt || 'an unknown date'}.`,
    );
    io.err(
      'Accounts have no passwords: send each a reset link (paved user reset-password), or sign in through single sign-on. API and ingest tokens must be made again.',
    );
    if (summary.webhooksSwitchedOff > 0) {
      io.err(
        `${summary.webhooksSwitchedOff} webhook(s) came in switched off with a new signing secret: replace the secret on the webhook settings page, give it to the receiver, and switch each on.`,
      );
    }
  });
}

function registerForget(program: Command, io: Io): void {
  const person =
    program.commands.find((c) => c.name() === 'person') ??
    program.command('person').description('people in the organisation (operators, local database)');
  withJson(
    person
      .command('forget')
      .description(
        'remove a person’s name, email and account; keep anonymous figures and their team’s history',
      )
      .argument('<email>', 'their email')
      .option('--force', 'forget without asking (needed when standard input is not a terminal)'),
  ).action(async (email: string, opts: { force?: boolean; json?: boolean }) => {
    const summary = await withDatabase(io, async (handle, config) => {
      const found = await lookForget(handle.db, email);
      await confirmOrForce(
        io,
        opts.force,
        `Forgetting ${email} removes ${found.description}; what they wrote stays as “${found.former}”. This cannot be undone.`,
        `Type yes to forget ${email}: `,
      );
      return forgetPerson(handle.db, {
        who: { email },
        secret: loadSecret(config, handle),
        actor: null,
        via: 'cli',
      });
    });
    if (opts.json) io.out(JSON.stringify(summary));
    io.err(
      `Forgot ${email}: ${summary.people} person record(s) renamed, ${summary.account ? 'the account deleted' : 'no account'}, ${summary.feedbackReattributed} feedback item(s) re-attributed, ${summary.votesRemoved} vote(s) removed. The audit log keeps reference ${summary.reference.slice(0, 12)}.`,
    );
    io.err(
      'Remove them from the Backstage catalog or CSV too, or the next import adds them again.',
    );
  });
}

function registerPrune(program: Command, io: Io): void {
  const event =
    program.commands.find((c) => c.name() === 'event') ??
    program
      .command('event')
      .description(
        'send deploys, pull requests, incidents and other events (calls the paved API); operators prune old ones',
      );
  withJson(
    event
      .command('prune')
      .description(
        `operators: remove the details of raw events older than ${rawEventRetentionDays.key} (local database; figures stay)`,
      )
      .option('--days <n>', 'keep this many days instead of the setting (at least 30)')
      .option('--force', 'prune without asking (needed when input is not a terminal)')
      .addHelpText('after', '\nExample:\n  paved event prune --days 90 --force'),
  ).action(async (opts: { days?: string; force?: boolean; json?: boolean }) => {
    let days: number | undefined;
    if (opts.days !== undefined) {
      days = /^\d+$/.test(opts.days) ? Number(opts.days) : Number.NaN;
      if (!(days >= 30 && days <= 36_500)) {
        throw new CliError(
          `--days must be a whole number from 30 to 36500; got ${JSON.stringify(opts.days)}.`,
          EXIT.usage,
        );
      }
    }
    await confirmOrForce(
      io,
      opts.force,
      `Pruning removes the details of raw events older than ${days === undefined ? `the days in ${rawEventRetentionDays.key}` : `${days} days`} for good; the figures stay.`,
      'Type yes to prune: ',
    );
    const result = await withDatabase(io, (handle) =>
      pruneRawEvents(handle.db, { via: 'cli', ...(days !== undefined && { days }) }),
    );
    if (opts.json) io.out(JSON.stringify(result));
    io.err(
      result.pruned === 0
        ? `No raw events older than ${result.days} days left to prune.`
        : `Pruned the details of ${result.pruned.toLocaleString('en')} raw event(s) from before ${result.before.slice(0, 10)} (kept ${result.days} days); the figures are unchanged.`,
    );
  });
}
