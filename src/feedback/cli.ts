import { readFileSync } from 'node:fs';
import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { fetchAll, formatDate, printJson, wrap } from '../capabilities/cli-support.ts';
import {
  bold,
  CliError,
  confirmOrForce,
  EXIT,
  formatTable,
  type Io,
  withJson,
} from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { FeedbackDetailSchema, FeedbackSchema, FiguresSchema } from './api-schemas.ts';
import { FEEDBACK_KINDS, FEEDBACK_SORTS, FEEDBACK_STATUSES, statusLabel } from './model.ts';

type ItemJson = z.infer<typeof FeedbackSchema>;
type DetailJson = z.infer<typeof FeedbackDetailSchema>;
type FiguresJson = z.infer<typeof FiguresSchema>;

const path = (id: string, rest = '') => `/feedback/${encodeURIComponent(id)}${rest}`;

function ageText(item: Pick<ItemJson, 'ageDays'>): string {
  return item.ageDays === 0
    ? 'today'
    : item.ageDays === 1
      ? '1 day ago'
      : `${item.ageDays} days ago`;
}

/** "acknowledged in time", "overdue" … as the board says it. */
function slaText(item: Pick<ItemJson, 'acknowledgedInTime' | 'acknowledgedAt'>): string {
  if (item.acknowledgedInTime === null) return 'waiting, within the promised time';
  if (item.acknowledgedAt) {
    return item.acknowledgedInTime ? 'acknowledged in time' : 'acknowledged late';
  }
  return 'overdue: not acknowledged in the promised time';
}

function statusWord(status: string): string {
  return statusLabel(status as (typeof FEEDBACK_STATUSES)[number]).toLowerCase();
}

/** `markdownToText` is passed in: markdown-it loads only for the commands that show text. */
function showText(io: Io, d: DetailJson, markdownToText: (markdown: string) => string): string {
  const lines = [
    bold(io, wrap(d.title, '', 80)),
    `${d.kind} · ${statusWord(d.status)} · ${d.votes} ${d.votes === 1 ? 'vote' : 'votes'}${d.voted ? ' (yours included)' : ''}`,
    wrap(`From ${d.authorLine} on ${formatDate(d.createdAt)} (${ageText(d)})`, '', 80),
    `Acknowledgement: ${slaText(d)}`,
    wrap(
      `About: ${d.capability ? `${d.capability.name} (${d.capability.slug})` : 'the platform as a whole'}`,
      '',
      80,
    ),
    `You ${d.subscribed ? 'follow' : 'do not follow'} this item.`,
  ];
  if (d.mergedInto) {
    lines.push(`Merged into ${d.mergedInto.id} "${d.mergedInto.title}": follow and vote there.`);
  }
  if (d.body.trim()) lines.push('', wrap(markdownToText(d.body)));
  if (d.history.length) {
    lines.push('', bold(io, 'Status history'));
    for (const h of d.history) {
      lines.push(
        `  ${formatDate(h.at)}  ${statusWord(h.from)} → ${statusWord(h.to)}${h.by ? ` by ${h.by}` : ''}${h.into ? ` (into ${h.into})` : ''}`,
        wrap(markdownToText(h.note), '    ', 80),
      );
    }
  }
  if (d.duplicates.length) {
    lines.push('', bold(io, 'Merged into this one'));
    for (const dup of d.duplicates) lines.push(`  ${dup.id}  ${dup.title}`);
  }
  if (d.internalNotes?.length) {
    lines.push('', bold(io, 'Internal notes (platform team only)'));
    for (const n of d.internalNotes) {
      lines.push(
        `  ${formatDate(n.at)}${n.by ? ` ${n.by}` : ''}`,
        wrap(markdownToText(n.body), '    '),
      );
    }
  }
  return lines.join('\n');
}

function listTable(items: ItemJson[]): string {
  return formatTable(
    ['ID', 'Votes', 'Status', 'Age', 'Title'],
    items.map((i) => [
      i.id,
      String(i.votes).padStart(5),
      statusWord(i.status),
      i.acknowledgedInTime === false && !i.acknowledgedAt ? `${i.ageDays}d !` : `${i.ageDays}d`,
      i.title,
    ]),
  );
}

function required(value: string | undefined, flag: string, what: string): string {
  if (!value?.trim()) throw new CliError(`${flag} is required: ${what}`, EXIT.usage);
  return value;
}

/** `paved feedback …`: post, browse, vote, and (platform team) triage feedback over the API. */
export function registerFeedbackCli(program: Command, io: Io): void {
  const feedback = program
    .command('feedback')
    .description('post, find and vote on feedback; triage it (calls the paved API)');

  withJson(
    feedback
      .command('add')
      .description('post a problem, idea, question or praise')
      .addOption(
        new Option('--kind <kind>', 'what it is').choices(FEEDBACK_KINDS).makeOptionMandatory(),
      )
      .requiredOption('--title <title>', 'what it is about, in a few words')
      .option('--body <text>', 'the details (Markdown: links, lists, code)')
      .option('--body-file <file>', 'read the details from a file (- for standard input)')
      .option('--capability <slug>', 'the capability it is about (paved capability list)')
      .option('--team <slug>', 'your team or a team within it (your own by default)')
      .option(
        '--as-team',
        'show "a developer in <team>" instead of your name: nobody in paved can see it was you; you still get updates',
      ),
  ).action(
    async (opts: {
      kind: string;
      title: string;
      body?: string;
      bodyFile?: string;
      capability?: string;
      team?: string;
      asTeam?: boolean;
      json?: boolean;
    }) => {
      if (opts.body !== undefined && opts.bodyFile !== undefined) {
        throw new CliError('Give --body or --body-file, not both.', EXIT.usage);
      }
      let body = opts.body ?? '';
      if (opts.bodyFile === '-') {
        if (!io.stdin) throw new CliError('There is no standard input to read.', EXIT.usage);
        body = await io.stdin.read();
      } else if (opts.bodyFile !== undefined) {
        try {
          body = readFileSync(opts.bodyFile, 'utf8');
        } catch (error) {
          throw new CliError(`Cannot read ${opts.bodyFile}: ${(error as Error).message}`);
        }
      }
      const created = await apiClient(io).request<DetailJson>('POST', '/feedback', {
        kind: opts.kind,
        title: opts.title,
        body,
        capability: opts.capability,
        team: opts.team,
        postedAs: opts.asTeam ? 'team' : 'name',
      });
      if (opts.json) return printJson(io, created);
      io.out(created.id);
      io.err(
        `Posted "${created.title}" as ${created.authorLine}. You will hear when its status changes. See it with paved feedback show ${created.id}.`,
      );
    },
  );

  withJson(
    feedback
      .command('list')
      .description('the feedback board, newest first (or by votes, or oldest unacknowledged)')
      .option('--capability <slug>', 'only feedback about this capability')
      .option('--team <slug>', 'only feedback from this team')
      .option(
        '--status <statuses>',
        `only these statuses, comma-separated: ${FEEDBACK_STATUSES.join(', ')}`,
      )
      .option('--kind <kinds>', `only these kinds, comma-separated: ${FEEDBACK_KINDS.join(', ')}`)
      .option('--search <words>', 'only items with these words in the title or details')
      .addOption(new Option('--sort <order>', 'order').choices(FEEDBACK_SORTS).default('newest'))
      .option('--overdue', 'only new items past the promised acknowledgement time, oldest first')
      .option('--limit <n>', 'at most this many items', '50'),
  ).action(
    async (opts: {
      capability?: string;
      team?: string;
      status?: string;
      kind?: string;
      search?: string;
      sort: string;
      overdue?: boolean;
      limit: string;
      json?: boolean;
    }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new CliError(`--limit ${opts.limit}: give a whole number of at least 1.`, EXIT.usage);
      }
      const client = apiClient(io);
      const all = opts.overdue
        ? await fetchAll<ItemJson>(client, '/feedback/overdue')
        : await collect(
            client,
            {
              capability: opts.capability,
              team: opts.team,
              status: opts.status,
              kind: opts.kind,
              q: opts.search,
              sort: opts.sort,
            },
            limit,
          );
      const items = all.slice(0, limit);
      if (opts.json) return printJson(io, items);
      if (items.length === 0) {
        io.err(
          opts.overdue
            ? 'Nothing is overdue: every new item was acknowledged in the promised time.'
            : 'No feedback matches. Tell the platform team what is getting in your way: paved feedback add --kind problem --title "…"',
        );
        return;
      }
      io.out(listTable(items));
    },
  );

  withJson(
    feedback
      .command('show')
      .description('one item: details, votes, status history and what happened to it')
      .argument('<id>', 'the item’s id, from paved feedback list'),
  ).action(async (id: string, opts: { json?: boolean }) => {
    const detail = await apiClient(io).get<DetailJson>(path(id));
    if (opts.json) return printJson(io, detail);
    const { markdownToText } = await import('../core/markdown.ts');
    io.out(showText(io, detail, markdownToText));
  });

  for (const [verb, method, done] of [
    ['vote', 'PUT', 'Voted for'],
    ['unvote', 'DELETE', 'Withdrew your vote from'],
  ] as const) {
    withJson(
      feedback
        .command(verb)
        .description(
          verb === 'vote'
            ? 'vote for an item (one vote each); you follow it from then on'
            : 'withdraw your vote',
        )
        .argument('<id>', 'the item’s id'),
    ).action(async (id: string, opts: { json?: boolean }) => {
      const result = await apiClient(io).request<{ votes: number; voted: boolean }>(
        method,
        path(id, '/vote'),
      );
      if (opts.json) return printJson(io, result);
      io.err(`${done} ${id}: ${result.votes} ${result.votes === 1 ? 'vote' : 'votes'} now.`);
    });
  }

  withJson(
    feedback
      .command('status')
      .description(
        'change an item’s status with a public note (platform team); subscribers are told',
      )
      .argument('<id>', 'the item’s id')
      .argument(
        '<status>',
        `the new status: ${FEEDBACK_STATUSES.filter((s) => s !== 'new' && s !== 'duplicate').join(', ')}`,
      )
      .option('--note <text>', 'the public note every subscriber reads (for declined: the reason)'),
  ).action(async (id: string, status: string, opts: { note?: string; json?: boolean }) => {
    if (!(FEEDBACK_STATUSES as readonly string[]).includes(status)) {
      throw new CliError(
        `"${status}" is not a status. Use one of: ${FEEDBACK_STATUSES.join(', ')}.`,
        EXIT.usage,
      );
    }
    const note = required(
      opts.note,
      '--note',
      'every status change tells subscribers what happened.',
    );
    const after = await apiClient(io).request<DetailJson>('POST', path(id, '/status'), {
      status,
      note,
    });
    if (opts.json) return printJson(io, after);
    io.err(`${after.title}: now ${statusWord(after.status)}. Subscribers will be told.`);
  });

  withJson(
    feedback
      .command('merge')
      .description(
        'merge a duplicate into the original (platform team): votes and subscribers move',
      )
      .argument('<id>', 'the duplicate’s id')
      .option('--into <id>', 'the original’s id')
      .option('--note <text>', 'a public note for the duplicate’s subscribers')
      .option('--force', 'merge without asking (needed when input is not a terminal)')
      .addHelpText(
        'after',
        '\nExample:\n  paved feedback merge <duplicate> --into <original> --note "Same ask" --force',
      ),
  ).action(
    async (id: string, opts: { into?: string; note?: string; force?: boolean; json?: boolean }) => {
      const into = required(opts.into, '--into', 'the id of the item to merge into.');
      const note = required(
        opts.note,
        '--note',
        'subscribers are told where the conversation continues.',
      );
      await confirmOrForce(
        io,
        opts.force,
        `Merging ${id} into ${into} moves its votes and subscribers there and closes it as a duplicate; it cannot be undone.`,
        `Type yes to merge ${id}: `,
      );
      const original = await apiClient(io).request<DetailJson>('POST', path(id, '/merge'), {
        into,
        note,
      });
      if (opts.json) return printJson(io, original);
      io.err(
        `Merged ${id} into ${original.id} "${original.title}": ${original.votes} ${original.votes === 1 ? 'vote' : 'votes'} there now.`,
      );
    },
  );

  withJson(
    feedback
      .command('unsubscribe')
      .description('stop following one item, or every item with --all')
      .argument('[id]', 'the item’s id')
      .option('--all', 'every item at once; later votes no longer subscribe you')
      .option('--force', 'with --all: stop without asking (needed when input is not a terminal)'),
  ).action(
    async (id: string | undefined, opts: { all?: boolean; force?: boolean; json?: boolean }) => {
      if (Boolean(id) === Boolean(opts.all)) {
        throw new CliError('Give an item id, or --all (not both).', EXIT.usage);
      }
      const client = apiClient(io);
      if (opts.all) {
        await confirmOrForce(
          io,
          opts.force,
          'Unsubscribing from all feedback stops every notification about it, and later votes no longer subscribe you.',
          'Type yes to unsubscribe from all feedback: ',
        );
        const result = await client.request<{ ended: number }>('DELETE', '/feedback/subscriptions');
        if (opts.json) return printJson(io, result);
        io.err(`You no longer follow any feedback (${result.ended} stopped).`);
        return;
      }
      const result = await client.request<{ subscribed: boolean }>(
        'DELETE',
        path(id!, '/subscription'),
      );
      if (opts.json) return printJson(io, result);
      io.err(`You no longer follow ${id}.`);
    },
  );

  withJson(
    feedback
      .command('figures')
      .description(
        'how quickly feedback is acknowledged: time to acknowledge, share within the promised time, overdue items',
      )
      .option(
        '--period <period>',
        'a quarter like 2026-Q4 or a month like 2026-11 (the current quarter by default)',
      ),
  ).action(async (opts: { period?: string; json?: boolean }) => {
    if (opts.period !== undefined && !/^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/.test(opts.period)) {
      throw new CliError(
        `--period ${opts.period}: give a quarter like 2026-Q4 or a month like 2026-11.`,
        EXIT.usage,
      );
    }
    const f = await apiClient(io).get<FiguresJson>('/feedback/figures', { period: opts.period });
    if (opts.json) return printJson(io, f);
    const days = (v: number | null) => (v === null ? 'no data yet' : `${v.toFixed(1)} days`);
    const within =
      f.withinSla.value === null
        ? 'no data yet'
        : `${Math.round(f.withinSla.value)}% (${f.withinSla.numerator} of ${f.withinSla.denominator} items)`;
    io.out(
      [
        bold(io, `Feedback responsiveness, ${f.period} (promise: ${f.slaDays} days)`),
        `Items posted                 ${f.created}`,
        `Time to acknowledge, median  ${days(f.timeToAcknowledge.medianDays)}`,
        `Time to acknowledge, p90     ${days(f.timeToAcknowledge.p90Days)}`,
        `  from ${f.timeToAcknowledge.n} items, ${f.timeToAcknowledge.openBreaches} still waiting past the promise`,
        `Acknowledged in time         ${within}`,
        `Overdue now                  ${f.openOverdue}`,
      ].join('\n'),
    );
  });
}

async function collect(
  client: ReturnType<typeof apiClient>,
  query: Record<string, string | undefined>,
  limit: number,
): Promise<ItemJson[]> {
  const all: ItemJson[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get<{ items: ItemJson[]; nextCursor: string | null }>('/feedback', {
      ...query,
      limit: Math.min(500, limit - all.length),
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < limit);
  return all;
}

interface InboxJson {
  items: {
    id: string;
    title: string;
    body: string;
    link: string;
    createdAt: string;
    read: boolean;
  }[];
  nextCursor: string | null;
  unread: number;
}

/** `paved inbox`: your notifications, and marking them read. */
export function registerInboxCli(program: Command, io: Io): void {
  withJson(
    program
      .command('inbox')
      .description(
        'your notifications: status changes on feedback you follow (calls the paved API)',
      )
      .option('--unread', 'only the ones you have not read')
      .option('--mark-read', 'mark every notification read after showing them')
      .option('--limit <n>', 'at most this many', '20'),
  ).action(
    async (opts: { unread?: boolean; markRead?: boolean; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new CliError(`--limit ${opts.limit}: give a whole number from 1 to 500.`, EXIT.usage);
      }
      const client = apiClient(io);
      const inbox = await client.get<InboxJson>('/inbox', {
        limit,
        unread: opts.unread ? 'true' : undefined,
      });
      let unread = inbox.unread;
      if (opts.markRead) {
        unread = (await client.request<{ unread: number }>('POST', '/inbox/read', { all: true }))
          .unread;
      }
      if (opts.json) return printJson(io, { ...inbox, unread });
      if (inbox.items.length === 0) {
        io.err(
          opts.unread ? 'Nothing unread.' : 'Your inbox is empty. Vote on feedback to follow it.',
        );
        return;
      }
      io.out(
        formatTable(
          ['', 'Date', 'What happened', 'Link'],
          inbox.items.map((n) => [n.read ? ' ' : '*', formatDate(n.createdAt), n.title, n.link]),
        ),
      );
      io.err(
        opts.markRead
          ? 'Marked everything read.'
          : `${unread} unread (marked *). Mark them read with paved inbox --mark-read.`,
      );
    },
  );
}
