import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { DataTable, DateText, EmptyState } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  DRIVER_LABELS,
  DRIVERS,
  type Driver,
  HORIZON_LABELS,
  HORIZONS,
  type Horizon,
  sideOf,
  tally,
} from './model.ts';
import { excerptText, ItemCard } from './pages-shared.tsx';
import { itemPath } from './service.ts';
import { itemsIn, listComments } from './store.ts';
import { type ItemSummary, summarize } from './views.ts';

/** The roadmap's sides, in the order the page shows them. */
const SIDES = [
  { key: 'developers', title: 'Developer requests' },
  { key: 'business', title: 'Business priorities, mandates and platform health' },
] as const;

const pct = (part: number, whole: number) =>
  whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`;

/** GET /roadmap: developer requests and business priorities side by side, by horizon. */
export function registerRoadmapPage(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/roadmap', policy('roadmap.read'), async (c) => {
    const actor = c.get('actor');
    const open = await summarize(db, await itemsIn(db, ['proposed', 'planned', 'in-progress']));
    const declined = (await summarize(db, await itemsIn(db, ['declined']))).slice(0, 10);
    const proposals = open
      .filter((s) => s.item.status === 'proposed')
      .sort((a, b) => (a.item.commentsCloseAt ?? '').localeCompare(b.item.commentsCloseAt ?? ''));
    const tallies = new Map<string, ReturnType<typeof tally>>();
    for (const p of proposals) tallies.set(p.item.id, tally(await listComments(db, p.item.id)));
    const committed = open.filter((s) => s.item.status !== 'proposed');
    const count = (horizon: Horizon | null, driver: Driver) =>
      committed.filter(
        (s) => s.item.driver === driver && (horizon === null || s.item.horizon === horizon),
      ).length;
    const balanceRows = [...HORIZONS, null].map((horizon) => ({ horizon }));
    const fromDevelopers = count(null, 'developer-request');
    const manages = can(actor, 'roadmap.manage');
    const now = new Date();
    return renderPage(
      c,
      { title: 'Roadmap' },
      <>
        <h1>Roadmap</h1>
        <p class="lead">
          What the platform team works on now, next and later, and why: developer requests and
          business priorities side by side. Proposals are open for your comments before they are
          decided.
        </p>
        <p class="row-actions">
          {manages ? (
            <a class="button" href="/roadmap/new">
              Add a roadmap item
            </a>
          ) : null}
          <a href="/changelog">What shipped: the changelog</a>
          <a href="/changelog#feeds">Follow in a feed reader</a>
        </p>

        <h2 id="proposals">Open for comment</h2>
        <DataTable
          caption="Proposals open for comment, closing soonest first"
          rows={proposals}
          empty={
            <p>
              No proposals are open for comment right now. When the platform team proposes a change,
              it shows here for you to support or question before it is decided.
            </p>
          }
          columns={[
            {
              label: 'Proposal',
              cell: (s: ItemSummary) => <a href={itemPath(s.item.id)}>{s.item.title}</a>,
            },
            { label: 'Driver', cell: (s) => DRIVER_LABELS[s.item.driver] },
            {
              label: 'Comments close',
              cell: (s) =>
                s.item.commentsCloseAt ? (
                  new Date(s.item.commentsCloseAt) > now ? (
                    <DateText iso={s.item.commentsCloseAt} />
                  ) : (
                    <>
                      Closed <DateText iso={s.item.commentsCloseAt} />, waiting for the decision
                    </>
                  )
                ) : (
                  '—'
                ),
            },
            { label: 'Support', numeric: true, cell: (s) => tallies.get(s.item.id)?.support ?? 0 },
            { label: 'Concerns', numeric: true, cell: (s) => tallies.get(s.item.id)?.concern ?? 0 },
          ]}
        />

        <h2 id="balance">Which way the balance went</h2>
        <p>
          Of the {committed.length} items planned or in progress, {fromDevelopers} (
          {pct(fromDevelopers, committed.length)}) come from developer requests and{' '}
          {committed.length - fromDevelopers} from business priorities, mandates and the platform’s
          own health. Each item says why it is there.
        </p>
        <DataTable
          caption="Items planned or in progress, by horizon and driver"
          rows={balanceRows}
          columns={[
            {
              label: 'Horizon',
              cell: (r) => (r.horizon ? HORIZON_LABELS[r.horizon] : <strong>All</strong>),
            },
            ...DRIVERS.map((driver) => ({
              label: DRIVER_LABELS[driver],
              numeric: true,
              cell: (r: { horizon: Horizon | null }) => count(r.horizon, driver),
            })),
            {
              label: 'From developers',
              numeric: true,
              cell: (r) => {
                const all = DRIVERS.reduce((n, d) => n + count(r.horizon, d), 0);
                return pct(count(r.horizon, 'developer-request'), all);
              },
            },
          ]}
        />

        {HORIZONS.map((horizon) => {
          const here = open.filter((s) => s.item.horizon === horizon);
          return (
            <section aria-labelledby={`horizon-${horizon}`}>
              <h2 id={`horizon-${horizon}`}>{HORIZON_LABELS[horizon]}</h2>
              {here.length === 0 ? (
                <EmptyState>
                  <p>Nothing planned for “{HORIZON_LABELS[horizon].toLowerCase()}” yet.</p>
                </EmptyState>
              ) : (
                <div class="sides">
                  {SIDES.map((side) => {
                    const items = here.filter((s) => sideOf(s.item.driver) === side.key);
                    return (
                      <section aria-label={`${side.title}, ${HORIZON_LABELS[horizon]}`}>
                        <h3>
                          {side.title} <span class="muted">({items.length})</span>
                        </h3>
                        {items.length === 0 ? (
                          <p class="muted">None.</p>
                        ) : (
                          <ul class="cards">
                            {items.map((s) => (
                              <ItemCard summary={s} />
                            ))}
                          </ul>
                        )}
                      </section>
                    );
                  })}
                </div>
              )}
            </section>
          );
        })}

        <h2 id="declined">Decided against</h2>
        <DataTable
          caption="Recent decisions not to do something, with the reason"
          rows={declined}
          empty={<p>Nothing has been decided against yet.</p>}
          columns={[
            {
              label: 'Item',
              cell: (s: ItemSummary) => <a href={itemPath(s.item.id)}>{s.item.title}</a>,
            },
            { label: 'Driver', cell: (s) => DRIVER_LABELS[s.item.driver] },
            {
              label: 'Why not',
              cell: (s) => excerptText(s.item.decisionRationale ?? s.item.rationale, 200),
            },
            {
              label: 'Asked for by',
              numeric: true,
              cell: (s) => s.voters,
            },
          ]}
        />
      </>,
    );
  });
}
