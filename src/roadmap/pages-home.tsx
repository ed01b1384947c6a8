// What the home page shows of the roadmap: for deciders, proposals waiting
// for their decision; for the platform team, proposals closing this week;
// for everyone, the "now" column and the latest changes.

import type { Db } from '../core/db/index.ts';
import { type Actor, can } from '../core/policy.ts';
import { DateText } from '../core/ui/components.tsx';
import { changelogPath, listEntries } from './changelog.ts';
import { type RoadmapItem, windowState } from './model.ts';
import { deciderRoleOf, itemPath } from './service.ts';
import { itemsIn } from './store.ts';

const NOW_ITEMS = 5;
const WEEK = 7 * 86_400_000;

/** The home page's roadmap section. */
export async function RoadmapHome({ db, actor }: { db: Db; actor: Actor | null }) {
  if (!actor) return null;
  const now = new Date();
  const open = await itemsIn(db, ['proposed', 'planned', 'in-progress']);
  const proposals = open.filter((i) => i.status === 'proposed');
  const waiting: RoadmapItem[] = [];
  for (const item of proposals) {
    if (
      windowState(item, now) === 'closed' &&
      can(actor, 'roadmap.decide', { deciderRole: await deciderRoleOf(db, item) })
    ) {
      waiting.push(item);
    }
  }
  const closingSoon = can(actor, 'roadmap.manage')
    ? proposals.filter(
        (i) =>
          windowState(i, now) === 'open' &&
          Date.parse(i.commentsCloseAt ?? '') - now.getTime() < WEEK,
      )
    : [];
  const openForComment = proposals.filter((i) => windowState(i, now) === 'open').length;
  const current = open.filter((i) => i.horizon === 'now' && i.status !== 'proposed');
  const latest = (await listEntries(db, { limit: 3 })).items;
  const link = (i: RoadmapItem) => <a href={itemPath(i.id)}>{i.title}</a>;
  return (
    <section aria-labelledby="home-roadmap">
      <h2 id="home-roadmap">Roadmap</h2>
      {waiting.length > 0 ? (
        <p class="callout">
          <strong>
            {waiting.length} {waiting.length === 1 ? 'proposal waits' : 'proposals wait'} for your
            decision:
          </strong>{' '}
          {waiting.map((i, n) => (
            <>
              {n > 0 ? ', ' : ''}
              {link(i)}
            </>
          ))}
          .
        </p>
      ) : null}
      {closingSoon.length > 0 ? (
        <p>
          Closing for comment this week:{' '}
          {closingSoon.map((i, n) => (
            <>
              {n > 0 ? ', ' : ''}
              {link(i)} (<DateText iso={i.commentsCloseAt!} />)
            </>
          ))}
          .
        </p>
      ) : null}
      {current.length > 0 ? (
        <>
          <p>Being worked on now:</p>
          <ul>
            {current.slice(0, NOW_ITEMS).map((i) => (
              <li>{link(i)}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        {openForComment > 0 ? (
          <>
            <a href="/roadmap#proposals">
              {openForComment} {openForComment === 1 ? 'proposal is' : 'proposals are'} open for
              your comments
            </a>
            .{' '}
          </>
        ) : null}
        <a href="/roadmap">The whole roadmap</a>
      </p>
      {latest.length > 0 ? (
        <>
          <p>Latest changes:</p>
          <ul>
            {latest.map((e) => (
              <li>
                <a href={changelogPath(e.id)}>{e.title}</a>
                {e.breaking ? ' (breaking)' : ''} — <DateText iso={e.publishedAt} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
