import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { quarterOf } from '../core/period.ts';
import { applyOrgSnapshot } from '../org/store.ts';
import { CHOICES_PAGE } from './pages-choices.tsx';
import { HIDDEN_COHORT } from './pages-figures.tsx';
import { TEAMS_SHOWN } from './pages-ledger.tsx';
import { as, get, post, seedCatalog, teamId } from './pages-testing.ts';
import { appendEvent } from './store.ts';

/** The position of a text in the page, failing loudly when it is missing. */
function at(html: string, text: string): number {
  const i = html.indexOf(text);
  expect(i, `"${text}" in the page`).toBeGreaterThan(-1);
  return i;
}

describeEngines('capability page', (handle) => {
  it('shows a mandatory capability’s mandate before anything else', async () => {
    const { ada } = await seedCatalog(handle());
    const { status, html } = await get(handle(), '/capabilities/secrets-vault', ada);
    expect(status).toBe(200);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    const why = at(html, '<h2 id="why-required">Why this is required</h2>');
    expect(at(html, '<h1>Secrets vault</h1>')).toBeLessThan(why);
    expect(why).toBeLessThan(at(html, 'SOC 2 access reviews need every secret read'));
    expect(why).toBeLessThan(at(html, '<h3>Who required it</h3>'));
    expect(at(html, '<h3>Who required it</h3>')).toBeLessThan(
      at(html, '<h3>What we are doing about the cost to you</h3>'),
    );
    expect(html).toContain('Security. Leadership decides on exceptions to it.');
    expect(html).toContain('We migrate your secrets for you');
    expect(html).toContain('<time datetime="2027-06-30"');
    const mandateEnd = at(html, 'Next review:');
    for (const later of [
      '<h2 id="about">',
      '<h2 id="your-team">',
      '<h2 id="figures">',
      '<h2 id="by-team">',
      '<h2 id="history">',
    ]) {
      expect(mandateEnd, later).toBeLessThan(at(html, later));
    }
  });

  it('shows no mandate block on an optional capability', async () => {
    const { ada } = await seedCatalog(handle());
    const { html } = await get(handle(), '/capabilities/deploy-pipeline', ada);
    expect(html).not.toContain('Why this is required');
    expect(html).toContain('Optional: each team chooses');
    expect(html).toContain('<a href="https://docs.example.test/deploy-pipeline">');
  });

  it('offers only the moves the state allows: after adopting, leave but not adopt', async () => {
    const { ada } = await seedCatalog(handle());
    const before = (await get(handle(), '/capabilities/deploy-pipeline', ada)).html;
    expect(before).toContain('<h2 id="your-team">Your team: Payments</h2>');
    expect(before).toContain('<span class="status">Not using</span>');
    expect(before).toContain('>Adopt Deploy pipeline</button>');
    expect(before).toContain('>Try Deploy pipeline</button>');
    expect(before).toContain('>Opt out of Deploy pipeline</a>');
    expect(before).not.toContain('Leave Deploy pipeline');

    const adopt = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'payments', to: 'adopted' },
      ada,
    );
    expect(adopt.status).toBe(303);
    expect(adopt.location).toBe('/capabilities/deploy-pipeline?done=adopted');

    const after = (await get(handle(), '/capabilities/deploy-pipeline?done=adopted', ada)).html;
    expect(after).toContain('Recorded: the team has adopted it.');
    expect(after).toContain('<span class="status">Adopted</span>');
    expect(after).toContain(
      'href="/capabilities/deploy-pipeline/adoption?team=payments&amp;to=left">Leave Deploy pipeline</a>',
    );
    expect(after).not.toContain('Adopt Deploy pipeline');
    expect(after).not.toContain('Try Deploy pipeline');
    expect(after).not.toContain('Opt out of Deploy pipeline');
  });

  it('never offers leaving a mandatory capability; offers an exception and a challenge instead', async () => {
    const { ada } = await seedCatalog(handle());
    await post(
      handle(),
      '/capabilities/secrets-vault/adoption',
      { team: 'payments', to: 'adopted' },
      ada,
    );
    const { html } = await get(handle(), '/capabilities/secrets-vault', ada);
    expect(html).not.toContain('Leave Secrets vault');
    expect(html).not.toContain('Opt out of Secrets vault');
    expect(html).toContain(
      'href="/exceptions/new?capability=secrets-vault&amp;team=payments&amp;kind=exception">Request an exception</a>',
    );
    expect(html).toContain('Challenge the policy with your evidence');
  });

  it('shows the edit and mandate actions only to those who may use them', async () => {
    await seedCatalog(handle());
    const platform = await as(handle(), 'platform');
    const leader = await as(handle(), 'leader');
    const dev = await as(handle(), 'developer');
    const p = (await get(handle(), '/capabilities/secrets-vault', platform)).html;
    expect(p).toContain('Edit Secrets vault');
    expect(p).not.toContain('Lift the mandate');
    const l = (await get(handle(), '/capabilities/secrets-vault', leader)).html;
    expect(l).not.toContain('Edit Secrets vault');
    expect(l).toContain('href="/capabilities/secrets-vault/mandate/lift">Lift the mandate</a>');
    const d = (await get(handle(), '/capabilities/secrets-vault', dev)).html;
    expect(d).not.toMatch(/Edit Secrets vault|Lift the mandate|Record the mandate/);
    expect(d).toContain('You are not in a team in paved');
    // The platform team decides developer-experience mandates, so it may record one.
    expect((await get(handle(), '/capabilities/deploy-pipeline', platform)).html).toContain(
      'Record the mandate',
    );
  });

  it('shows the figures with their n, and hides small cohorts', async () => {
    const { deploy } = await seedCatalog(handle());
    const platform = await as(handle(), 'platform');
    const period = quarterOf(new Date());
    await appendEvent(handle().db, {
      teamId: await teamId(handle(), 'payments'),
      capabilityId: deploy.id,
      seq: 1,
      from: 'none',
      to: 'adopted',
      reason: null,
      reasonText: null,
      alternative: null,
      actorId: null,
      onBehalf: false,
      exceptionId: null,
      at: period.start,
    });
    const { status, html } = await get(
      handle(),
      `/capabilities/deploy-pipeline?period=${period.key}`,
      platform,
    );
    expect(status).toBe(200);
    expect(html).toContain('<dt>Teams that opted in</dt>');
    expect(html).toMatch(
      /<dt>Teams that opted in<\/dt><dd><span class="figure-value">25%<\/span> <span class="figure-n">1 of 4 teams<\/span>/,
    );
    expect(html).toContain('<dt>Teams that chose to stay</dt>');
    expect(html).toMatch(
      /<dt>Teams that chose to stay<\/dt><dd><span class="figure-value">100%<\/span> <span class="figure-n">1 of 1 team<\/span>/,
    );
    expect(html).toContain('No team left or opted out in');
    expect(html).toContain(HIDDEN_COHORT);
    expect(html).not.toContain('Coverage');
  });

  it('labels coverage of a mandatory capability as compliance, not success', async () => {
    const { ada } = await seedCatalog(handle());
    const { html } = await get(handle(), '/capabilities/secrets-vault', ada);
    expect(html).toContain('<dt>Coverage (compliance)</dt>');
    expect(html).toContain('not whether teams would choose it');
    expect(html).not.toContain('Teams that opted in');
    expect(html).toContain('Many requests are a sign that the capability does not fit');
  });

  it('refuses a period it cannot read, with the form to pick another', async () => {
    const { ada } = await seedCatalog(handle());
    const { status, html } = await get(handle(), '/capabilities/deploy-pipeline?period=Q9', ada);
    expect(status).toBe(400);
    expect(html).toContain('<a href="#field-period">Give a period as YYYY-Qn');
  });

  it('lists each team’s choice and the history, newest first, paged', async () => {
    const { deploy, ada } = await seedCatalog(handle());
    const payments = await teamId(handle(), 'payments');
    for (const [seq, from, to] of [
      [1, 'none', 'trial'],
      [2, 'trial', 'adopted'],
      [3, 'adopted', 'left'],
    ] as const) {
      await appendEvent(handle().db, {
        teamId: payments,
        capabilityId: deploy.id,
        seq,
        from,
        to,
        reason: to === 'left' ? 'too-slow' : null,
        reasonText: null,
        alternative: to === 'left' ? 'GitHub Actions' : null,
        actorId: ada.user.id,
        onBehalf: false,
        exceptionId: null,
        at: `2026-0${seq}-10T10:00:00.000Z`,
      });
    }
    const { html } = await get(handle(), '/capabilities/deploy-pipeline', ada);
    expect(html).toContain('<caption id="table-');
    expect(html).toMatch(
      /<td><a href="\/teams\/payments">Payments<\/a><\/td><td><span class="status">Left<\/span><\/td>/,
    );
    expect(html).toContain('Too slow');
    expect(at(html, 'Adopted → Left')).toBeLessThan(at(html, 'Trying it → Adopted'));
    expect(at(html, 'Trying it → Adopted')).toBeLessThan(at(html, 'Not using → Trying it'));
    expect(html).toContain('3 other teams have not recorded anything about it.');
  });

  it('pages the history with a cursor link', async () => {
    const { deploy, ada } = await seedCatalog(handle());
    const payments = await teamId(handle(), 'payments');
    const cycle = ['trial', 'adopted', 'left'] as const;
    let from: 'none' | (typeof cycle)[number] = 'none';
    for (let seq = 1; seq <= 25; seq++) {
      const to = cycle[(seq - 1) % 3]!;
      await appendEvent(handle().db, {
        teamId: payments,
        capabilityId: deploy.id,
        seq,
        from,
        to,
        reason: to === 'left' ? 'other' : null,
        reasonText: to === 'left' ? `round ${seq}` : null,
        alternative: to === 'left' ? 'scripts' : null,
        actorId: null,
        onBehalf: false,
        exceptionId: null,
        at: new Date(Date.UTC(2026, 0, seq)).toISOString(),
      });
      from = to;
    }
    const first = (await get(handle(), '/capabilities/deploy-pipeline', ada)).html;
    expect(first).toContain('round 24');
    expect(first).not.toContain('round 3<');
    const older = /href="([^"]+)">Older changes<\/a>/.exec(first)![1]!.replace(/&amp;/g, '&');
    const second = (await get(handle(), older, ada)).html;
    expect(second).toContain('round 3<');
    expect(second).not.toContain('round 24');
    expect(second).not.toContain('Older changes');
  });

  it('records a mandate through its decider only, then lifts it after a confirmation page', async () => {
    const { ada } = await seedCatalog(handle());
    const leader = await as(handle(), 'leader');
    expect((await get(handle(), '/capabilities/deploy-pipeline/mandate', ada)).status).toBe(403);
    const form = await get(handle(), '/capabilities/deploy-pipeline/mandate', leader);
    expect(form.html).toContain('<option value="security">Security</option>');
    // A leader decides security, compliance, leadership and cost; not developer experience.
    expect(form.html).not.toContain('<option value="developer-experience"');
    const fields = {
      category: 'compliance',
      reason: 'Every deploy must be traceable for ISO 27001.',
      mitigation: 'Templates for every stack.',
    };
    const noDate = await post(handle(), '/capabilities/deploy-pipeline/mandate', fields, leader);
    expect(noDate.status).toBe(400);
    expect(noDate.html).toContain('href="#field-reviewOn"');
    expect(noDate.html).toContain('Templates for every stack.</textarea>');
    const ok = await post(
      handle(),
      '/capabilities/deploy-pipeline/mandate',
      { ...fields, reviewOn: '2027-03-31' },
      leader,
    );
    expect(ok.status).toBe(303);
    const page = (await get(handle(), '/capabilities/deploy-pipeline', ada)).html;
    expect(page).toContain('Every deploy must be traceable for ISO 27001.');
    expect(page).toContain('Compliance. Leadership decides on exceptions to it.');

    const lift = await get(handle(), '/capabilities/deploy-pipeline/mandate/lift', leader);
    expect(lift.html).toContain('<h1>Lift the mandate on Deploy pipeline?</h1>');
    expect(lift.html).toContain('Deploy pipeline will become optional');
    const bare = await post(handle(), '/capabilities/deploy-pipeline/mandate/lift', {}, leader);
    expect(bare.status).toBe(400);
    expect(bare.html).toContain('<a href="#field-rationale">Say why the mandate is lifted.</a>');
    expect((await get(handle(), '/capabilities/deploy-pipeline', ada)).html).toContain(
      'Why this is required',
    );
    await post(
      handle(),
      '/capabilities/deploy-pipeline/mandate/lift',
      { rationale: 'Audit passed.' },
      leader,
    );
    expect((await get(handle(), '/capabilities/deploy-pipeline', ada)).html).not.toContain(
      'Why this is required',
    );
  });

  it('answers an unknown capability with a 404 page', async () => {
    const { ada } = await seedCatalog(handle());
    const { status, html } = await get(handle(), '/capabilities/nope', ada);
    expect(status).toBe(404);
    expect(html).toContain('There is no capability &quot;nope&quot;.');
  });

  it('sums up many teams’ choices with the latest few and links to the full list, paged by team name', async () => {
    const { deploy, ada } = await seedCatalog(handle());
    const slugs = Array.from({ length: 60 }, (_, i) => `squad-${String(i + 1).padStart(2, '0')}`);
    await applyOrgSnapshot(
      handle().db,
      {
        teams: slugs.map((slug) => ({ ref: `group:default/${slug}`, name: slug.toUpperCase() })),
        people: [],
        services: [],
      },
      { full: false, today: '2026-11-01' },
    );
    const states = ['adopted', 'trial', 'left'] as const;
    for (const [i, slug] of slugs.entries()) {
      const to = states[i % 3]!;
      await appendEvent(handle().db, {
        teamId: await teamId(handle(), slug),
        capabilityId: deploy.id,
        seq: 1,
        from: 'none',
        to,
        reason: to === 'left' ? 'too-slow' : null,
        reasonText: null,
        alternative: to === 'left' ? 'GitHub Actions' : null,
        actorId: null,
        onBehalf: false,
        exceptionId: null,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
    }
    const { status, html } = await get(handle(), '/capabilities/deploy-pipeline', ada);
    expect(status).toBe(200);
    expect(gzipSync(html).length).toBeLessThan(14 * 1024);
    const byTeam = html.slice(at(html, '<h2 id="by-team">'), at(html, '<h2 id="history">'));
    // How many chose what, each a link to the list of those teams.
    expect(byTeam).toMatch(
      /href="\/capabilities\/deploy-pipeline\/teams\?state=adopted">Adopted<\/a><\/td><td class="num">20</,
    );
    expect(byTeam).toMatch(/>Left<\/a><\/td><td class="num">20</);
    // The latest few, newest first, and not every team.
    const listed = [...byTeam.matchAll(/<a href="\/teams\/(squad-\d+)">/g)].map((m) => m[1]);
    expect(listed).toEqual(slugs.slice(-TEAMS_SHOWN).reverse());
    expect(byTeam).toContain('The 10 latest choices');
    expect(byTeam).toContain(
      '<a href="/capabilities/deploy-pipeline/teams">See what each of the 60 teams chose about Deploy pipeline</a>',
    );

    // The full list, by team name, a page at a time, with links that need no script.
    const seen: string[] = [];
    let path: string | null = '/capabilities/deploy-pipeline/teams';
    while (path) {
      const page = await get(handle(), path, ada);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<h1>What each team chose about Deploy pipeline</h1>');
      expect(gzipSync(page.html).length).toBeLessThan(14 * 1024);
      const rows = [...page.html.matchAll(/<td><a href="\/teams\/(squad-\d+)">/g)].map(
        (m) => m[1]!,
      );
      expect(rows.length).toBeLessThanOrEqual(CHOICES_PAGE);
      seen.push(...rows);
      path = /<a href="([^"]+)" rel="next">/.exec(page.html)?.[1]?.replace(/&amp;/g, '&') ?? null;
    }
    expect(seen).toEqual(slugs);
    const second = await get(handle(), '/capabilities/deploy-pipeline/teams?page=2', ada);
    expect(second.html).toContain('rel="prev"');
    expect(second.html).toContain('Teams and Deploy pipeline, 51 to 60 of 60');
    const left = await get(handle(), '/capabilities/deploy-pipeline/teams?state=left', ada);
    const leftRows = [...left.html.matchAll(/<td><a href="\/teams\/(squad-\d+)">/g)].map(
      (m) => m[1],
    );
    expect(leftRows).toEqual(slugs.filter((_, i) => i % 3 === 2));
    expect(left.html).toContain('Too slow');
    expect(left.html).toContain('aria-current="true">Left (20)</a>');
    expect((await get(handle(), '/capabilities/nope/teams', ada)).status).toBe(404);
  });
});
