// Atom feeds: the changelog, the roadmap, one roadmap item's history and one
// feedback item's status history. Readable by anyone signed in (a session), or
// by a feed reader holding its owner's feed key (`?key=`, see feed-keys.ts).

import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCategory } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { markdownToText, renderMarkdown } from '../core/markdown.ts';
import { authorLine, statusLabel } from '../feedback/model.ts';
import { feedbackPath } from '../feedback/service.ts';
import { getItem as getFeedback, listStatusChanges } from '../feedback/store.ts';
import { ATOM_TYPE, type AtomEntry, type AtomFeed, renderAtom, xmlEscape } from './atom.ts';
import { changelogPath, excerpt, listEntries } from './changelog.ts';
import { actorForFeedKey } from './feed-keys.ts';
import { linkedFeedback } from './linked.ts';
import {
  type ChangelogEntry,
  DRIVER_LABELS,
  HORIZON_LABELS,
  type RoadmapItem,
  STATUS_LABELS,
} from './model.ts';
import { itemPath } from './service.ts';
import { getItem, listEvents, recentlyChanged } from './store.ts';

const FEED_SIZE = 50;
const TEAM = 'The platform team';

/** Feed addresses, for pages that offer them. */
export const FEEDS = {
  changelog: '/feeds/changelog.atom',
  roadmap: '/feeds/roadmap.atom',
  item: (id: string) => `/feeds/roadmap/${encodeURIComponent(id)}.atom`,
  feedback: (id: string) => `/feeds/feedback/${encodeURIComponent(id)}.atom`,
};

/**
 * Admits a feed reader by its key when nobody is signed in; the route's
 * policy decides as for anyone else. A key that does not open answers 401
 * with what to do, never a sign-in page a reader cannot use.
 */
function feedKey(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.query('key');
    if (!c.get('actor') && key !== undefined) {
      const actor = await actorForFeedKey(deps.handle.db, deps.secret, key);
      if (!actor) {
        return c.text(
          'This feed address no longer works. Copy your current one from the changelog page in paved.\n',
          401,
        );
      }
      c.set('actor', actor);
    }
    await next();
  };
}

const esc = xmlEscape;

function atom(c: Context<AppEnv>, feed: AtomFeed) {
  return c.body(renderAtom(feed), 200, { 'Content-Type': ATOM_TYPE });
}

/** The id segment of `<id>.atom`; anything else is not a feed. */
function feedId(c: Context<AppEnv>): string {
  const file = c.req.param('file') ?? '';
  if (!file.endsWith('.atom') || file.length <= 5) throw new NotFound('There is no such feed.');
  return file.slice(0, -5);
}

async function changelogEntry(db: Db, base: string, entry: ChangelogEntry): Promise<AtomEntry> {
  const answered = await linkedFeedback(db, entry.feedbackIds);
  const said =
    answered.length === 0
      ? ''
      : `<p>You said:</p><ul>${answered
          .map((f) => `<li><a href="${esc(base + feedbackPath(f.id))}">${esc(f.title)}</a></li>`)
          .join('')}</ul>`;
  const breaking = entry.breaking
    ? `<p><strong>Breaking change:</strong> takes effect on ${esc(entry.effectiveOn ?? '')}.</p>`
    : '';
  return {
    id: base + changelogPath(entry.id),
    title: entry.breaking ? `Breaking: ${entry.title}` : entry.title,
    updated: entry.publishedAt,
    published: entry.publishedAt,
    link: base + changelogPath(entry.id),
    author: entry.authorName ?? undefined,
    categories: entry.breaking ? ['breaking'] : [],
    summary: excerpt(markdownToText(entry.body), 280),
    html: `${breaking}${renderMarkdown(entry.body)}${said}`,
  };
}

async function roadmapEntry(db: Db, base: string, item: RoadmapItem): Promise<AtomEntry> {
  const category = await getCategory(db, item.category);
  const facts = [
    ['Status', STATUS_LABELS[item.status]],
    ['When', HORIZON_LABELS[item.horizon]],
    ['Driver', DRIVER_LABELS[item.driver]],
    ['Decided in', category?.label ?? item.category],
    ...(item.status === 'proposed' && item.commentsCloseAt
      ? [['Comments close', item.commentsCloseAt.slice(0, 10)]]
      : []),
  ];
  return {
    id: base + itemPath(item.id),
    title: `${item.title} — ${STATUS_LABELS[item.status].toLowerCase()}`,
    updated: item.updatedAt,
    published: item.createdAt,
    link: base + itemPath(item.id),
    categories: [item.status, item.horizon, item.driver],
    summary: excerpt(item.rationale, 280),
    html: [
      `<ul>${facts.map(([k, v]) => `<li>${esc(k!)}: ${esc(v!)}</li>`).join('')}</ul>`,
      `<p><strong>Why:</strong> ${esc(item.rationale)}</p>`,
      item.decisionRationale
        ? `<p><strong>Decision:</strong> ${esc(item.decisionRationale)}</p>`
        : '',
      renderMarkdown(item.description),
    ].join(''),
  };
}

/** The feed routes; fixed paths first, then `<id>.atom`. */
export function registerFeeds(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const base = deps.config.baseUrl;
  const admit = feedKey(deps);

  web.get(FEEDS.changelog, admit, policy('roadmap.read'), async (c) => {
    const page = await listEntries(db, { limit: FEED_SIZE });
    const entries: AtomEntry[] = [];
    for (const entry of page.items) entries.push(await changelogEntry(db, base, entry));
    return atom(c, {
      id: base + FEEDS.changelog,
      title: 'paved changelog: you said, we did',
      subtitle: 'What the platform team shipped, and the feedback it answers.',
      updated: new Date(0).toISOString(),
      selfUrl: base + FEEDS.changelog,
      alternateUrl: `${base}/changelog`,
      author: TEAM,
      entries,
    });
  });

  web.get(FEEDS.roadmap, admit, policy('roadmap.read'), async (c) => {
    const entries: AtomEntry[] = [];
    for (const item of await recentlyChanged(db, FEED_SIZE)) {
      entries.push(await roadmapEntry(db, base, item));
    }
    return atom(c, {
      id: base + FEEDS.roadmap,
      title: 'paved roadmap',
      subtitle: 'What the platform team plans, proposes and decides, and why.',
      updated: new Date(0).toISOString(),
      selfUrl: base + FEEDS.roadmap,
      alternateUrl: `${base}/roadmap`,
      author: TEAM,
      entries,
    });
  });

  web.get('/feeds/roadmap/:file', admit, policy('roadmap.read'), async (c) => {
    const item = await getItem(db, feedId(c));
    if (!item) throw new NotFound('There is no such roadmap item.');
    const events = await listEvents(db, item.id);
    return atom(c, {
      id: base + FEEDS.item(item.id),
      title: `Roadmap: ${item.title}`,
      subtitle: 'Every change to this roadmap item, newest first.',
      updated: item.updatedAt,
      selfUrl: base + FEEDS.item(item.id),
      alternateUrl: base + itemPath(item.id),
      author: TEAM,
      entries: events.map((e) => ({
        id: `${base}${itemPath(item.id)}#event-${e.id}`,
        title:
          e.kind === 'edited'
            ? `Updated: ${e.note}`
            : e.kind === 'created'
              ? `Added as ${STATUS_LABELS[e.toStatus].toLowerCase()}`
              : `${STATUS_LABELS[e.fromStatus ?? e.toStatus]} → ${STATUS_LABELS[e.toStatus]}`,
        updated: e.at,
        published: e.at,
        link: base + itemPath(item.id),
        author: e.actorName ?? undefined,
        summary: e.note,
      })),
    });
  });

  web.get('/feeds/feedback/:file', admit, policy('feedback.read'), async (c) => {
    const item = await getFeedback(db, feedId(c));
    if (!item) throw new NotFound('There is no such feedback item.');
    const changes = (await listStatusChanges(db, item.id)).reverse();
    // The author reads as on the item's page: "a developer in team X" when posted that way.
    return atom(c, {
      id: base + FEEDS.feedback(item.id),
      title: `Feedback: ${item.title}`,
      subtitle: 'Every status change of this feedback item, with its public note.',
      updated: item.statusChangedAt,
      selfUrl: base + FEEDS.feedback(item.id),
      alternateUrl: base + feedbackPath(item.id),
      author: TEAM,
      entries: [
        ...changes.map((s) => ({
          id: `${base}${feedbackPath(item.id)}#status-${s.id}`,
          title: `${statusLabel(s.from)} → ${statusLabel(s.to)}`,
          updated: s.at,
          published: s.at,
          link: base + feedbackPath(s.intoId ?? item.id),
          author: s.actorName ?? undefined,
          summary: s.note,
        })),
        {
          id: `${base}${feedbackPath(item.id)}#posted`,
          title: `Posted: ${item.title}`,
          updated: item.createdAt,
          published: item.createdAt,
          link: base + feedbackPath(item.id),
          author: authorLine(item),
          summary: excerpt(markdownToText(item.body), 280),
        },
      ],
    });
  });
}
