import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  CliError,
  confirmOrForce,
  EXIT,
  formatTable,
  type Io,
  progress,
  withDatabase,
  withJson,
} from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import { parseLine } from './lines.ts';
import { DEPLOY_OUTCOMES, type IngestResult, MAX_BYTES, MAX_LINES } from './model.ts';
import {
  createSource,
  issueIngestToken,
  OPERATOR,
  revokeIngestToken,
  sourceWithTokens,
} from './service.ts';
import { listSources } from './store-sources.ts';

/** Room left under the byte limit for the array's brackets and commas. */
const BYTE_BUDGET = MAX_BYTES - 64 * 1024;

/** `paved event send|deploy` (calls the API) and operator `paved source …`. */
export function registerSignalsCli(program: Command, io: Io): void {
  const event = program
    .command('event')
    .description(
      'send deploys, pull requests, incidents and other events (calls the paved API); operators prune old ones',
    );
  registerSend(event, io);
  registerDeploy(event, io);
  registerSourceCommands(program, io);
}

function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Prints what a send did and fails (exit 1) when any line was rejected. */
function report(io: Io, total: IngestResult, json: boolean | undefined): void {
  if (json) printJson(io, total);
  else {
    io.out(
      `Accepted ${total.accepted}, duplicates ${total.duplicates}, rejected ${total.rejected.length}.`,
    );
    if (total.rejected.length > 0) {
      io.out(
        formatTable(
          ['Line', 'Reason'],
          total.rejected.map((r) => [String(r.line), r.reason]),
          100,
        ),
      );
    }
  }
  if (total.rejected.length > 0) {
    throw new CliError(
      `${total.rejected.length} line(s) rejected. Fix them and send the file again: accepted lines are kept and come back as duplicates.`,
    );
  }
}

function registerSend(event: Command, io: Io): void {
  withJson(
    event
      .command('send')
      .description(
        `send a file of events, one JSON object per line (NDJSON); batches of ${MAX_LINES} go in one by one`,
      )
      .argument('<file>', 'the .ndjson file, or - for standard input'),
  ).action(async (file: string, opts: { json?: boolean }) => {
    const client = apiClient(io);
    let size = 0;
    if (file !== '-') {
      try {
        size = statSync(file).size;
      } catch {
        throw new CliError(`Cannot read ${file}: check the path.`, EXIT.usage);
      }
    }
    const input = file === '-' ? process.stdin : createReadStream(file);
    const total: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    let batch: unknown[] = [];
    let lineNumbers: number[] = [];
    let bytes = 0;
    let read = 0;
    let sent = 0;
    let batches = 0;
    const steps = progress(io, 'Send');
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await client.request<IngestResult>('POST', '/events', batch);
      total.accepted += result.accepted;
      total.duplicates += result.duplicates;
      for (const r of result.rejected)
        total.rejected.push({ line: lineNumbers[r.line - 1] ?? r.line, reason: r.reason });
      sent += batch.length;
      batches++;
      if (batches > 1 || size > MAX_BYTES / 10) {
        const share =
          size > 0 ? ` (${Math.min(100, Math.round((100 * read) / size))}% of the file)` : '';
        steps.step(`${sent} events sent${share}…`);
      }
      batch = [];
      lineNumbers = [];
      bytes = 0;
    };
    let n = 0;
    try {
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      for await (const text of lines) {
        n++;
        read += Buffer.byteLength(text) + 1;
        if (text.trim() === '') continue;
        const parsed = parseLine(n, text);
        if ('error' in parsed) {
          total.rejected.push({ line: n, reason: parsed.error });
          continue;
        }
        const length = Buffer.byteLength(text) + 1;
        if (batch.length >= MAX_LINES || bytes + length > BYTE_BUDGET) await flush();
        batch.push(parsed.value);
        lineNumbers.push(n);
        bytes += length;
      }
      await flush();
    } finally {
      steps.done();
    }
    total.rejected.sort((a, b) => a.line - b.line);
    if (n === 0) throw new CliError(`${file} is empty: nothing was sent.`);
    report(io, total, opts.json);
  });
}

/** A repeatable option's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

function registerDeploy(event: Command, io: Io): void {
  withJson(
    event
      .command('deploy')
      .description('record one deploy, for a CI pipeline step')
      .requiredOption('--team <team>', 'the team’s slug (or group entity ref)')
      .requiredOption('--service <service>', 'what was deployed')
      .requiredOption('--outcome <outcome>', `${DEPLOY_OUTCOMES.join(' or ')}`)
      .option('--environment <environment>', 'where it went', 'production')
      .option('--started <time>', 'when the deploy started (ISO 8601)')
      .option('--finished <time>', 'when it finished (ISO 8601; default now)')
      .option(
        '--commit-time <time>',
        'when a change it carries was committed (repeat for each change)',
        collect,
      )
      .option('--capability <slug>', 'the platform capability it used')
      .option(
        '--id <id>',
        'an id of your own (such as the pipeline run), so a retried step is not counted twice',
      ),
  ).action(
    async (opts: {
      team: string;
      service: string;
      outcome: string;
      environment: string;
      started?: string;
      finished?: string;
      commitTime?: string[];
      capability?: string;
      id?: string;
      json?: boolean;
    }) => {
      const id = opts.id ?? `deploy-${randomUUID()}`;
      const event = {
        type: 'deploy',
        id,
        team: opts.team,
        service: opts.service,
        environment: opts.environment,
        outcome: opts.outcome,
        ...(opts.started ? { started: opts.started } : {}),
        finished: opts.finished ?? new Date().toISOString(),
        commitTimes: opts.commitTime ?? [],
        ...(opts.capability ? { capability: opts.capability } : {}),
      };
      const result = await apiClient(io).request<IngestResult>('POST', '/events', [event]);
      if (opts.json) printJson(io, { id, ...result });
      const rejected = result.rejected[0];
      if (rejected) throw new CliError(`The deploy was not recorded: ${rejected.reason}.`);
      if (!opts.json)
        io.err(
          result.accepted === 1
            ? `Recorded the deploy of ${opts.service} for ${opts.team} (id ${id}).`
            : `A deploy with id ${id} was recorded before; nothing changed.`,
        );
    },
  );
}

function registerSourceCommands(program: Command, io: Io): void {
  const source = program
    .command('source')
    .description('manage ingest sources and their tokens in the local database (operators)');

  withJson(
    source
      .command('add')
      .description('add an ingest source and print its first token once')
      .argument('<name>', 'lower-case letters, digits and dashes, such as jenkins-prod')
      .option('--description <text>', 'what sends with it'),
  ).action(async (name: string, opts: { description?: string; json?: boolean }) => {
    const created = await withDatabase(io, (handle) =>
      createSource(handle.db, OPERATOR, { name, description: opts.description }),
    );
    if (opts.json)
      return printJson(io, {
        source: created.source.name,
        id: created.token.id,
        token: created.value,
      });
    io.out(created.value);
    io.err(
      `Added source ${created.source.name}. The token is shown only this once: store it in your CI's secrets and send with Authorization: Bearer <token>.`,
    );
  });

  withJson(source.command('list').description('list ingest sources (never token values)')).action(
    async (opts: { json?: boolean }) => {
      const sources = await withDatabase(io, (handle) => listSources(handle.db));
      if (opts.json) return printJson(io, sources);
      if (sources.length === 0) {
        io.err('No ingest sources yet. Add one with paved source add <name>.');
        return;
      }
      io.out(
        formatTable(
          ['Name', 'Kind', 'Active tokens', 'Last batch'],
          sources.map((s) => [s.name, s.kind, String(s.activeTokens), s.lastBatchAt ?? 'never']),
        ),
      );
    },
  );

  withJson(
    source
      .command('tokens')
      .description('list a source’s tokens (never their values)')
      .argument('<name>', 'the source'),
  ).action(async (name: string, opts: { json?: boolean }) => {
    const { tokens } = await withDatabase(io, (handle) =>
      sourceWithTokens(handle.db, OPERATOR, name),
    );
    if (opts.json) return printJson(io, tokens);
    io.out(
      formatTable(
        ['ID', 'Starts with', 'State', 'Created', 'Last used'],
        tokens.map((t) => [
          t.id,
          t.prefix,
          t.revokedAt ? 'revoked' : 'active',
          t.createdAt.slice(0, 10),
          t.lastUsedOn ?? 'never',
        ]),
      ),
    );
  });

  withJson(
    source
      .command('token')
      .description('issue a new token for a source and print it once')
      .argument('<name>', 'the source')
      .option('--rotate', 'revoke the source’s older tokens at once')
      .option(
        '--force',
        'with --rotate: revoke without asking (needed when input is not a terminal)',
      )
      .addHelpText('after', '\nExample:\n  paved source token gitlab --rotate --force'),
  ).action(async (name: string, opts: { rotate?: boolean; force?: boolean; json?: boolean }) => {
    if (opts.rotate) {
      await confirmOrForce(
        io,
        opts.force,
        `--rotate revokes every older token of ${name} at once; whatever sends events with them fails until it uses the new one.`,
        `Type yes to rotate the tokens of ${name}: `,
      );
    }
    const issued = await withDatabase(io, (handle) =>
      issueIngestToken(handle.db, OPERATOR, name, { rotate: opts.rotate }),
    );
    if (opts.json)
      return printJson(io, {
        source: issued.source.name,
        id: issued.token.id,
        token: issued.value,
        revoked: issued.revoked,
      });
    io.out(issued.value);
    io.err(
      opts.rotate
        ? `New token for ${issued.source.name}; ${issued.revoked} older token(s) stopped working. Events sent before stay unique: resends count as duplicates.`
        : `New token for ${issued.source.name}; older tokens keep working until you revoke them (paved source revoke).`,
    );
  });

  source
    .command('revoke')
    .description('revoke one of a source’s tokens so it stops working at once')
    .argument('<name>', 'the source')
    .requiredOption('--id <id>', 'the token’s id, from paved source tokens <name>')
    .option('--force', 'revoke without asking (needed when input is not a terminal)')
    .action(async (name: string, opts: { id: string; force?: boolean }) => {
      await confirmOrForce(
        io,
        opts.force,
        `Revoking token ${opts.id} of ${name} stops it working at once; whatever sends events with it fails.`,
        `Type yes to revoke ${opts.id}: `,
      );
      const revoked = await withDatabase(io, (handle) =>
        revokeIngestToken(handle.db, OPERATOR, name, opts.id),
      );
      io.err(
        revoked
          ? `Revoked token ${opts.id} of ${name}: it no longer works.`
          : `Token ${opts.id} was already revoked; nothing changed.`,
      );
    });
}
