import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildPerson, buildTeam, seedOrg } from '../../test/factories.ts';
import { as, get, post } from '../capabilities/pages-testing.ts';
import { setSetting } from '../core/settings.ts';
import {
  addCapability,
  adopt,
  deploy,
  milestone,
  unplanned,
  writeEvents,
} from './figures-testing.ts';
import { HIDDEN_HIRES } from './pages-figures-shared.tsx';
import { valueOutcomes } from './value-outcomes.ts';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
const monthsAgo = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 15, 12)).toISOString();
};

/** Two teams, six hires two months ago and one last week; deploys, unplanned work, a capability. */
async function seed(handle: TestDb) {
  const alpha = buildTeam({ name: 'Alpha' });
  const bravo = buildTeam({ name: 'Bravo' });
  const start = monthsAgo(2).slice(0, 10);
  const hires = [
    'Hana Ito',
    'Ivo Petrov',
    'Joss Whitlock',
    'Kai Brandt',
    'Lea Moreau',
    'Mo Farouk',
  ].map((name) => buildPerson({ name, teamRef: alpha.ref, startDate: start }));
  await seedOrg(handle.db, {
    teams: [alpha, bravo],
    people: [
      ...hires,
      buildPerson({
        name: 'Newt Scamander',
        teamRef: bravo.ref,
        startDate: daysAgo(7).slice(0, 10),
      }),
    ],
    services: [],
  });
  const person = Object.fromEntries(
    (await handle.db.selectFrom('people').select(['id', 'name']).execute()).map((r) => [
      r.name,
      r.id,
    ]),
  ) as Record<string, string>;
  const team = Object.fromEntries(
    (await handle.db.selectFrom('teams').select(['id', 'slug']).execute()).map((r) => [
      r.slug,
      r.id,
    ]),
  ) as Record<string, string>;
  const ci = await addCapability(handle, 'ci-runners');
  const startMs = Date.parse(`${start}T00:00:00Z`);
  await writeEvents(handle, [
    ...['Hana Ito', 'Ivo Petrov', 'Joss Whitlock', 'Kai Brandt'].map((name, i) =>
      milestone(person[name]!, 'first_deploy', new Date(startMs + (3 + i) * DAY).toISOString()),
    ),
    deploy(team.alpha!, daysAgo(2), { leadHours: [5] }),
    deploy(team.bravo!, daysAgo(3), { leadHours: [7] }),
    unplanned(team.alpha!, ci.id, 'outage', 6, daysAgo(1)),
  ]);
  return { person, team, ci };
}

describeEngines('figures pages', (handle) => {
  it('lands on Figures, marked in the navigation, with a link to each page', async () => {
    const dev = await as(handle(), 'developer');
    const { status, html } = await get(handle(), '/figures', dev);
    expect(status).toBe(200);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<a href="/figures" aria-current="page">Figures</a>');
    for (const href of [
      '/figures/onboarding',
      '/figures/delivery',
      '/figures/unplanned-work',
      '/figures/value',
    ]) {
      expect(html).toContain(`<a href="${href}">`);
    }
  });

  it('shows onboarding cohorts without names, hides a small group plainly, and your own only to you', async () => {
    await seed(handle());
    const hana = await as(handle(), 'developer', 'hana.ito@example.test');
    const page = await get(handle(), '/figures/onboarding', hana);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Time to first deploy</h1>');
    expect(page.html).toContain('Days to first deploy, by the month people started');
    expect(page.html).toContain(HIDDEN_HIRES);
    expect(page.html).toContain('Your own milestones');
    expect(page.html).toContain('Your first deploy: after 3 days');
    for (const name of ['Petrov', 'Whitlock', 'Brandt', 'Moreau', 'Farouk', 'Scamander'])
      expect(page.html).not.toContain(name);

    const other = await get(handle(), '/figures/onboarding', await as(handle(), 'developer'));
    expect(other.html).not.toContain('Your own milestones');
    const bad = await get(handle(), '/figures/onboarding?since=May', hana);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('There is a problem');
    expect(bad.html).toContain('href="#field-since"');
  });

  it('shows delivery for every team and for one, and refuses a bad window in the form', async () => {
    await seed(handle());
    const dev = await as(handle(), 'developer');
    const all = await get(handle(), '/figures/delivery', dev);
    expect(all.status).toBe(200);
    expect(all.html).toContain('Every team, over the last 90 days');
    expect(all.html).toContain('<a href="/figures/delivery?team=alpha">Alpha</a>');
    expect(all.html).toContain('Teams by how often they deploy');
    const one = await get(handle(), '/figures/delivery?team=alpha&window=30', dev);
    expect(one.html).toContain('<h1>Delivery: Alpha</h1>');
    expect(one.html).toContain('5 hours');
    const bad = await get(handle(), '/figures/delivery?window=3', dev);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('The window is at least 7 days.');
    const unknown = await get(handle(), '/figures/delivery?team=nope', dev);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('There is no team &quot;nope&quot;.');
  });

  it('shows unplanned work of a quarter and refuses a month', async () => {
    await seed(handle());
    const dev = await as(handle(), 'developer');
    const page = await get(handle(), '/figures/unplanned-work', dev);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<strong>6.0 hours</strong>');
    expect(page.html).toContain('<a href="/figures/value/ci-runners">Ci runners</a>');
    const bad = await get(handle(), '/figures/unplanned-work?period=2026-11', dev);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Give a quarter as YYYY-Qn');
  });

  it('lets the platform team fix the outcome; then shows the not-causal before/after plainly', async () => {
    const { team, ci } = await seed(handle());
    // Alpha and Bravo adopt three months ago; their deploys took 10 minutes before and 13 after.
    for (const slug of ['alpha', 'bravo']) {
      await writeEvents(
        handle(),
        [6, 5, 4, 2, 1].map((m) => deploy(team[slug]!, monthsAgo(m), { minutes: m > 3 ? 10 : 13 })),
      );
      await adopt(handle(), ci.id, team[slug]!, [{ to: 'adopted', at: monthsAgo(3) }]);
    }
    const dev = await as(handle(), 'developer');
    const platform = await as(handle(), 'platform');
    const before = await get(handle(), '/figures/value/ci-runners', dev);
    expect(before.html).toContain('has not fixed how Ci runners’s value is measured yet');
    expect(before.html).not.toContain('Fix the outcome');
    expect(
      (await post(handle(), '/figures/value/ci-runners/outcome', { outcome: 'lead-time' }, dev))
        .status,
    ).toBe(403);

    const bad = await post(
      handle(),
      '/figures/value/ci-runners/outcome',
      { outcome: 'vibes' },
      platform,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Choose one of deploy-duration, lead-time, hours-lost.');
    const done = await post(
      handle(),
      '/figures/value/ci-runners/outcome',
      { outcome: 'deploy-duration' },
      platform,
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe('/figures/value/ci-runners?done=outcome');

    const after = await get(handle(), '/figures/value/ci-runners', dev);
    expect(after.html).toContain('Measured by deploy duration');
    expect(after.html).toContain('<strong class="status">Not causal</strong>');
    expect(after.html).toContain('+3.0 minutes');
    expect(after.html).toContain('Costs about');
    expect(after.html).toContain('Change in adopting teams, by month from adoption');

    const capability = await get(handle(), '/capabilities/ci-runners', dev);
    expect(capability.html).toContain('<h2 id="time-saved">Time it saves</h2>');
    expect(capability.html).toContain('not causal: a plain before/after change');
    const list = await get(handle(), '/figures/value', dev);
    expect(list.html).toContain('Deploy duration');
  });

  it('puts time to first deploy on the platform team’s home page only', async () => {
    await seed(handle());
    await setSetting(handle().db, valueOutcomes, {});
    const platform = await get(handle(), '/', await as(handle(), 'platform'));
    expect(platform.html).toContain('<h2 id="time-to-first-deploy">Time to first deploy</h2>');
    expect(platform.html).toContain('took a median of <strong>5 days</strong>');
    const dev = await get(handle(), '/', await as(handle(), 'developer'));
    expect(dev.html).not.toContain('time-to-first-deploy');
  });
});
