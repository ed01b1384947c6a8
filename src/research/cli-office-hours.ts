import type { z } from '@hono/zod-openapi';
import type { Command } from 'commander';
import { fetchAll, formatDate, printJson } from '../capabilities/cli-support.ts';
import { CliError, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { FiguresSchema, SessionSchema, SessionSummarySchema } from './api-schemas.ts';
import { canAsk, listWords, readJsonFile } from './cli-support.ts';
import { isDay, OUTCOMES } from './model.ts';

type SummaryJson = z.infer<typeof SessionSummarySchema>;
type SessionJson = z.infer<typeof SessionSchema>;
type FiguresJson = z.infer<typeof FiguresSchema>;
type Share = FiguresJson['all']['solved'];

const collect = (value: string, previous: string[]) => [...previous, value];

/** `outcome|problem[|capability[|team[|feedback id]]]` → a topic for the API. */
export function parseTopic(text: string): Record<string, unknown> {
  const [outcome = '', problem = '', capability = '', team = '', feedbackId = ''] = text
    .split('|')
    .map((s) => s.trim());
  if (!(OUTCOMES as readonly string[]).includes(outcome) || !problem)
    throw new CliError(
      `--topic "${text}": write it as "outcome|problem[|capability[|team[|feedback id]]]" with the outcome one of ${OUTCOMES.join(', ')}, like "solved|Rotating a password|secrets-manager|checkout".`,
      EXIT.usage,
    );
  return {
    outcome,
    problem,
    capability: capability || null,
    team: team || null,
    feedbackId: feedbackId || null,
  };
}

const pct = (x: number) => `${Math.round(x)}%`;

/** `60% (95% interval 23% to 88%, n = 5)` */
export function shareLine(s: Share): string {
  if (s.value === null || !s.interval) return 'no topics';
  return `${pct(s.value)} (95% interval ${pct(s.interval.low)} to ${pct(s.interval.high)}, n = ${s.n})`;
}

interface AddOpts {
  file?: string;
  date?: string;
  hosts?: string;
  notes?: string;
  topic: string[];
  input: boolean;
  json?: boolean;
}

/** `paved office-hours list|add|figures`, over the HTTP API. */
export function registerOfficeHoursCli(program: Command, io: Io): void {
  const oh = program
    .command('office-hours')
    .description('the weekly office hours: sessions, topics and figures (calls the paved API)');

  withJson(
    oh
      .command('list')
      .description('sessions, most recent first')
      .option('--period <period>', 'only sessions in this quarter (2026-Q4) or month (2026-11)'),
  ).action(async (opts: { period?: string; json?: boolean }) => {
    const sessions = await fetchAll<SummaryJson>(apiClient(io), '/office-hours', {
      period: opts.period,
    });
    if (opts.json) return printJson(io, sessions);
    if (sessions.length === 0) {
      io.err('No sessions recorded. Record one with paved office-hours add.');
      return;
    }
    io.out(
      formatTable(
        ['Id', 'Date', 'Hosts', 'Topics'],
        sessions.map((s) => [s.id, s.heldOn, s.hosts, String(s.topics).padStart(6)]),
      ),
    );
  });

  withJson(
    oh
      .command('add')
      .description('record a session and the topics teams brought, from flags or a JSON file')
      .option('--file <session.json>', 'the session as the API takes it (- for standard input)')
      .option('--date <YYYY-MM-DD>', 'the day of the session (today by default)')
      .option('--hosts <names>', 'who hosted, like "Barbara Liskov, Dennis Ritchie"')
      .option('--notes <text>', 'anything to remember')
      .option(
        '--topic <spec>',
        `a topic: "outcome|problem[|capability[|team[|feedback id]]]", outcome ${OUTCOMES.join(', ')} (repeatable)`,
        collect,
        [],
      )
      .option('--no-input', 'never ask; fail at once when something is missing'),
  ).action(async (opts: AddOpts) => {
    const body: Record<string, unknown> = opts.file ? await readJsonFile(io, opts.file) : {};
    if (opts.date) {
      if (!isDay(opts.date))
        throw new CliError(`--date ${opts.date}: give a day like 2026-10-13.`, EXIT.usage);
      body.heldOn = opts.date;
    }
    if (opts.hosts) body.hosts = opts.hosts;
    if (opts.notes) body.notes = opts.notes;
    if (opts.topic.length > 0) body.topics = opts.topic.map(parseTopic);
    body.heldOn ??= new Date().toISOString().slice(0, 10);
    if (!body.hosts) {
      if (!canAsk(io, opts.input))
        throw new CliError(
          `Missing ${listWords(['--hosts'])}${opts.input ? ' (and this is not a terminal)' : ''}: pass it, or --file session.json.`,
          EXIT.usage,
        );
      body.hosts = (await io.stdin!.readLine!('Hosts: '))?.trim() ?? '';
    }
    const s = await apiClient(io).request<SessionJson>('POST', '/office-hours', body);
    if (opts.json) return printJson(io, s);
    io.out(s.id);
    io.err(
      `Recorded the session of ${formatDate(s.heldOn)} with ${s.topics.length} topics. See the figures with paved office-hours figures.`,
    );
  });

  withJson(
    oh
      .command('figures')
      .description('topics per capability, the share solved on the spot and docs gaps')
      .option(
        '--period <period>',
        'a quarter (2026-Q4) or month (2026-11); the last 12 months by default',
      ),
  ).action(async (opts: { period?: string; json?: boolean }) => {
    const f = await apiClient(io).get<FiguresJson>('/office-hours/figures', {
      period: opts.period,
    });
    if (opts.json) return printJson(io, f);
    const when =
      f.period.key === 'last-12-months'
        ? `the last 12 months (${formatDate(f.period.start)} to ${formatDate(new Date(Date.parse(f.period.end) - 86_400_000).toISOString())})`
        : f.period.key;
    const lines = [
      `Office hours in ${when}: ${f.sessions} sessions, ${f.all.topics} topics.`,
      `Solved on the spot: ${shareLine(f.all.solved)}.`,
      `Docs gaps: ${f.all.docsGaps}. Filed as feedback: ${f.all.feedbackFiled}.`,
    ];
    io.out(lines.join('\n'));
    if (f.byCapability.length === 0) return;
    io.out('');
    io.out(
      formatTable(
        ['Capability', 'Topics', 'Solved', '95% interval', 'Docs gaps'],
        f.byCapability.map((c) => [
          c.capability?.slug ?? '(platform)',
          String(c.topics).padStart(6),
          (c.solved.value === null ? '-' : pct(c.solved.value)).padStart(6),
          c.solved.interval ? `${pct(c.solved.interval.low)}–${pct(c.solved.interval.high)}` : '-',
          String(c.docsGaps).padStart(9),
        ]),
      ),
    );
  });
}
