import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DateText, EmptyState, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { feedbackPath } from '../feedback/service.ts';
import { changelogPath, getEntry, listEntries } from './changelog.ts';
import { feedKeyFor, resetFeedKey } from './feed-keys.ts';
import { FEEDS } from './feeds.ts';
import { linkedFeedback } from './linked.ts';
import type { ChangelogEntry } from './model.ts';
import { Markdown } from './pages-shared.tsx';
import { itemPath } from './service.ts';
import { getItem } from './store.ts';

/** One entry: what shipped, a breaking change's date, and the feedback it answers. */
async function Entry({
  db,
  entry,
  heading,
}: {
  db: Db;
  entry: ChangelogEntry;
  heading: 'h1' | 'h2';
}) {
  const said = await linkedFeedback(db, entry.feedbackIds);
  const item = entry.roadmapItemId ? await getItem(db, entry.roadmapItemId) : undefined;
  const Title = heading;
  return (
    <article class="entry" aria-labelledby={`entry-${entry.id}`}>
      <Title id={`entry-${entry.id}`}>
        {heading === 'h2' ? <a href={changelogPath(entry.id)}>{entry.title}</a> : entry.title}
      </Title>
      <p class="muted">
        <DateText iso={entry.publishedAt} />
        {entry.authorName ? ` · ${entry.authorName}` : ''}
      </p>
      {entry.breaking ? (
        <p class="callout breaking">
          <strong>Breaking change.</strong> It takes effect on{' '}
          {entry.effectiveOn ? <DateText iso={entry.effectiveOn} /> : 'a date to be announced'}:
          check what you need to change before then.
        </p>
      ) : null}
      <Markdown source={entry.body} />
      {said.length > 0 ? (
        <>
          <p>
            <strong>You said:</strong>
          </p>
          <ul>
            {said.map((f) => (
              <li>
                <a href={feedbackPath(f.id)}>{f.title}</a>{' '}
                <span class="muted">
                  ({f.votes} {f.votes === 1 ? 'vote' : 'votes'})
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {item ? (
        <p>
          From the roadmap: <a href={itemPath(item.id)}>{item.title}</a>
        </p>
      ) : null}
    </article>
  );
}

/** The changelog, one entry, and the feed addresses with the reader's key. */
export function registerChangelogPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/changelog', policy('roadmap.read'), async (c) => {
    const cursor = c.req.query('cursor');
    const breaking = c.req.query('breaking') === 'yes' ? true : undefined;
    const page = await listEntries(db, { limit: 20, cursor, breaking });
    const next = page.nextCursor
      ? `/changelog?${new URLSearchParams({ cursor: page.nextCursor, ...(breaking ? { breaking: 'yes' } : {}) })}`
      : null;
    return renderPage(
      c,
      { title: 'Changelog' },
      <>
        <h1>Changelog</h1>
        <p class="lead">
          You said, we did: what the platform team shipped, and the feedback each change answers.
          Breaking changes say when they take effect.
        </p>
        {c.req.query('done') === 'key' ? (
          <Notice>Your feed addresses are new; the old ones no longer work.</Notice>
        ) : null}
        <p class="row-actions">
          {breaking ? (
            <a href="/changelog">Show every change</a>
          ) : (
            <a href="/changelog?breaking=yes">Only breaking changes</a>
          )}
          <a href="/roadmap">What comes next: the roadmap</a>
        </p>
        {page.items.length === 0 ? (
          <EmptyState>
            <p>
              Nothing {breaking ? 'breaking ' : ''}shipped yet. When the platform team ships a
              roadmap item or a piece of feedback, it shows here and everyone who asked for it is
              told.
            </p>
          </EmptyState>
        ) : (
          page.items.map((entry) => <Entry db={db} entry={entry} heading="h2" />)
        )}
        {next ? (
          <p>
            <a href={next}>Older changes</a>
          </p>
        ) : null}
        <FeedSection c={c} db={db} deps={deps} />
      </>,
    );
  });

  web.get('/changelog/:id', policy('roadmap.read'), async (c) => {
    const entry = await getEntry(db, c.req.param('id'));
    if (!entry) throw new NotFound('There is no such changelog entry.');
    return renderPage(
      c,
      { title: entry.title },
      <>
        <Entry db={db} entry={entry} heading="h1" />
        <p>
          <a href="/changelog">The whole changelog</a>
        </p>
      </>,
    );
  });

  web.post('/feeds/key', policy('roadmap.read'), async (c) => {
    await resetFeedKey(db, deps.secret, c.get('actor')!.userId);
    return c.redirect('/changelog?done=key#feeds', 303);
  });
}

/** Feed addresses that carry the reader's own key (feed readers cannot sign in). */
async function FeedSection({ c, db, deps }: { c: Context<AppEnv>; db: Db; deps: Deps }) {
  const key = await feedKeyFor(db, deps.secret, c.get('actor')!.userId);
  const withKey = (path: string) => `${deps.config.baseUrl}${path}?key=${encodeURIComponent(key)}`;
  return (
    <section aria-labelledby="feeds">
      <h2 id="feeds">Follow in a feed reader</h2>
      <p>
        Paste an address into your feed reader. Each carries your own key, which opens the feeds and
        nothing else: keep it to yourself. If one leaks, make new addresses; the old ones stop
        working.
      </p>
      <dl class="facts">
        <dt>Changelog</dt>
        <dd>
          <code class="secret-value">{withKey(FEEDS.changelog)}</code>
        </dd>
        <dt>Roadmap</dt>
        <dd>
          <code class="secret-value">{withKey(FEEDS.roadmap)}</code>
        </dd>
      </dl>
      <p class="muted">
        One roadmap item or feedback item: add <code>?key=…</code> with the same key to the feed
        address on its page.
      </p>
      <Form action="/feeds/key" csrfToken={c.get('csrfToken')}>
        <button type="submit" class="secondary">
          Make new feed addresses
        </button>
      </Form>
    </section>
  );
}
