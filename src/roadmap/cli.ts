import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { fetchAll, formatDate, printJson, wrap } from '../capabilities/cli-support.ts';
import { bold, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type {
  ChangelogEntrySchema,
  CommentSchema,
  ItemDetailSchema,
  ItemSchema,
} from './api-schemas.ts';
import {
  DRIVER_LABELS,
  DRIVERS,
  HORIZON_LABELS,
  HORIZONS,
  ROADMAP_STATUSES,
  STANCES,
  STATUS_LABELS,
} from './model.ts';

type ItemJson = z.infer<typeof ItemSchema>;
type DetailJson = z.infer<typeof ItemDetailSchema>;
type CommentJson = z.infer<typeof CommentSchema>;
type EntryJson = z.infer<typeof ChangelogEntrySchema>;

const STANCE_WORDS = { support: 'supports', concern: 'has concerns', comment: 'comments' } as const;
// Short enough that the table keeps whole ids within 80 columns.
const SHORT_DRIVERS = {
  'developer-request': 'Developers',
  'business-priority': 'Business',
  mandate: 'Mandate',
  'platform-health': 'Platform',
} as const;
const POSTED = {
  support: 'you support it',
  concern: 'you have concerns',
  comment: 'your comment is in',
} as const;

/** `paved roadmap list|show|comment` and `paved changelog`, over the HTTP API. */
export function registerRoadmapCli(program: Command, io: Io): void {
  const roadmap = program
    .command('roadmap')
    .description('the roadmap, its reasons and proposals open for comment (calls the paved API)');

  withJson(
    roadmap
      .command('list')
      .description('list roadmap items, newest first, with how many people asked for each')
      .addOption(new Option('--status <status>', 'only this status').choices(ROADMAP_STATUSES))
      .addOption(new Option('--horizon <horizon>', 'only now, next or later').choices(HORIZONS))
      .addOption(new Option('--driver <driver>', 'only this driver').choices(DRIVERS)),
  ).action(async (opts: { status?: string; horizon?: string; driver?: string; json?: boolean }) => {
    const items = await fetchAll<ItemJson>(apiClient(io), '/roadmap', {
      status: opts.status,
      horizon: opts.horizon,
      driver: opts.driver,
    });
    if (opts.json) return printJson(io, items);
    if (items.length === 0) {
      io.err(
        opts.status || opts.horizon || opts.driver
          ? 'No roadmap items match these filters. Run paved roadmap list without them.'
          : 'The roadmap is empty so far. The platform team adds items on the Roadmap page.',
      );
      return;
    }
    io.out(
      formatTable(
        ['Id', 'Title', 'Status', 'When', 'Driver', 'Asked'],
        items.map((i) => [
          i.id,
          i.title,
          STATUS_LABELS[i.status],
          i.status === 'shipped' || i.status === 'declined' ? '' : HORIZON_LABELS[i.horizon],
          SHORT_DRIVERS[i.driver],
          String(i.voters).padStart(5),
        ]),
      ),
    );
  });

  withJson(
    roadmap
      .command('show')
      .description('show an item: why it is there, who decides, the feedback behind it, comments')
      .argument('<id>', 'the item’s id, from paved roadmap list'),
  ).action(async (id: string, opts: { json?: boolean }) => {
    const item = await apiClient(io).get<DetailJson>(`/roadmap/${encodeURIComponent(id)}`);
    if (opts.json) return printJson(io, item);
    io.out(showText(io, item));
  });

  withJson(
    roadmap
      .command('comment')
      .description('comment on a proposal while it is open for comment')
      .argument('<id>', 'the proposal’s id, from paved roadmap list --status proposed')
      .addOption(
        new Option('--stance <stance>', 'where you stand').choices(STANCES).makeOptionMandatory(),
      )
      .option('--body <text>', 'your comment (needed for a concern or a plain comment)', ''),
  ).action(async (id: string, opts: { stance: string; body: string; json?: boolean }) => {
    const comment = await apiClient(io).request<CommentJson>(
      'POST',
      `/roadmap/${encodeURIComponent(id)}/comments`,
      { stance: opts.stance, body: opts.body },
    );
    if (opts.json) return printJson(io, comment);
    io.err(
      `Posted: ${POSTED[comment.stance]}. Its decider reads every comment before deciding; see it with paved roadmap show ${id}.`,
    );
  });

  withJson(
    program
      .command('changelog')
      .description('what shipped, newest first, and the feedback it answers (calls the paved API)')
      .option('--limit <n>', 'how many entries (1–500)', '20')
      .option('--breaking', 'only breaking changes'),
  ).action(async (opts: { limit: string; breaking?: boolean; json?: boolean }) => {
    const limit = Number(opts.limit);
    const page = await apiClient(io).get<{ items: EntryJson[] }>('/changelog', {
      limit: Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : 20,
      breaking: opts.breaking ? 'true' : undefined,
    });
    if (opts.json) return printJson(io, page.items);
    if (page.items.length === 0) {
      io.err(opts.breaking ? 'No breaking changes so far.' : 'Nothing has shipped yet.');
      return;
    }
    // markdown-it loads only when there is text to show.
    const { markdownToText } = await import('../core/markdown.ts');
    io.out(page.items.map((e) => entryText(io, e, markdownToText)).join('\n\n'));
  });
}

function entryText(io: Io, e: EntryJson, markdownToText: (markdown: string) => string): string {
  const lines = [`${formatDate(e.publishedAt)}  ${bold(io, e.title)}`];
  if (e.breaking) lines.push(`  Breaking: takes effect on ${formatDate(e.effectiveOn)}.`);
  lines.push(wrap(markdownToText(e.body).replace(/\s+/g, ' ')));
  if (e.feedback.length > 0) {
    lines.push(wrap(`You said: ${e.feedback.map((f) => f.title).join('; ')}`));
  }
  return lines.join('\n');
}

function showText(io: Io, d: DetailJson): string {
  const out = [bold(io, d.title), ''];
  const when =
    d.status === 'shipped' || d.status === 'declined' ? '' : `, ${HORIZON_LABELS[d.horizon]}`;
  out.push(`${STATUS_LABELS[d.status]}${when} · ${DRIVER_LABELS[d.driver]}`);
  out.push(
    `${d.decider.label}: ${d.decider.role === 'leader' ? 'leadership' : 'the platform team'} decides`,
  );
  if (d.capability) out.push(`Capability: ${d.capability}`);
  if (d.window === 'open' && d.commentsCloseAt) {
    out.push(
      `Open for comment until ${formatDate(d.commentsCloseAt)}: ${d.support} support, ${d.concern} ${d.concern === 1 ? 'concern' : 'concerns'}.`,
    );
    out.push(`  paved roadmap comment ${d.id} --stance support|concern --body "…"`);
  } else if (d.window === 'closed' && d.commentsCloseAt) {
    out.push(`Comments closed on ${formatDate(d.commentsCloseAt)}; waiting for the decision.`);
  }
  out.push('', 'Why:', wrap(d.rationale));
  if (d.decisionRationale)
    out.push('', `Decided ${formatDate(d.decidedAt)}:`, wrap(d.decisionRationale));
  if (d.description) out.push('', wrap(d.description));
  if (d.feedback.length > 0) {
    out.push(
      '',
      `Asked for by ${d.voters} ${d.voters === 1 ? 'person' : 'people'} (each counted once):`,
    );
    for (const f of d.feedback) {
      // A bullet on the first line only; the rest of a long title lines up under it.
      const votes = `${f.votes} ${f.votes === 1 ? 'vote' : 'votes'}`;
      out.push(wrap(`${f.title} (${votes}, ${f.status})`, '    ').replace(/^ {4}/, '  - '));
    }
  }
  if (d.commentList.length > 0) {
    out.push('', 'Comments:');
    for (const c of d.commentList) {
      out.push(`  ${formatDate(c.createdAt)}  ${c.author} ${STANCE_WORDS[c.stance]}`);
      if (c.body) out.push(wrap(c.body, '    '));
    }
  }
  return out.join('\n');
}
