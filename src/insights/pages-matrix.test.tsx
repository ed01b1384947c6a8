import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { get } from '../capabilities/pages-testing.ts';
import { quarterOf } from '../core/period.ts';
import { seedMatrixOrg } from './matrix-testing.ts';
import { experienceText, valueText } from './pages-matrix.tsx';

/** The text of every row of the table with this caption, cell by cell. */
function tableRows(html: string, caption: string): string[][] {
  const start = html.indexOf(`>${caption}</caption>`);
  expect(start).toBeGreaterThan(-1);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)]
    .slice(1)
    .map((row) =>
      [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) =>
        cell[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/&#39;|&amp;/g, (e) => (e === '&amp;' ? '&' : "'")),
      ),
    );
}

describeEngines('matrix page', (handle) => {
  it('draws the 2×2 and lists the same capabilities in a table, each with its usage figures', async () => {
    await seedMatrixOrg(handle());
    const reader = await signIn(handle(), 'developer');
    // 2026-Q3 pools Q2 and Q3, whose months are all complete by now.
    const res = await get(handle(), '/matrix?period=2026-Q3', reader);
    expect(res.status).toBe(200);
    const html = res.html;
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<h1>Mandate–choice matrix</h1>');
    expect(html).toMatch(/<option value="2026-Q3" selected="">2026-Q3<\/option>/);

    // The chart: an image with its title and description.
    expect(html).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-\w+-title"[^>]*aria-describedby="chart-\w+-desc"[^>]*data-points="4"/,
    );
    expect(html).toMatch(/<title id="chart-\w+-title">Mandate–choice matrix, 2026-Q3<\/title>/);
    expect(html).toContain(
      'Of 6 capabilities: 1 to fix first, 1 to grow, 1 to rethink or retire, 1 unclear, 2 with too few answers to place.',
    );
    for (const label of [
      'Required',
      'Chosen',
      'Fix first',
      'Invest',
      'Grow',
      'Rethink or retire',
    ]) {
      expect(html).toContain(`>${label}</text>`);
    }

    // The chart's numbers: the placed capabilities, most satisfied first in each band.
    const chartRows = tableRows(html, 'Mandate–choice matrix, 2026-Q3');
    expect(chartRows).toEqual([
      // 10 of 10: Wilson 72.2 to 100.
      ['deploy-pipeline', 'Chosen', '100', '72', '100', '10', 'Grow'],
      // 8 of 20: 21.9 to 61.3.
      ['feature-flags', 'Chosen', '40', '21', '61', '20', 'Unclear'],
      // 17 of 40: 28.5 to 57.8.
      ['log-search', 'Chosen', '43', '28', '57', '40', 'Rethink or retire'],
      // 4 of 20: 8.1 to 41.6.
      ['secrets-vault', 'Required', '20', '8', '41', '20', 'Fix first'],
    ]);

    // The table: the same capabilities and more, grouped by what they call for.
    const rows = tableRows(html, 'Every capability on offer, 2026-Q3, by what it calls for');
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['secrets-vault', 'Required'],
      ['deploy-pipeline', 'Chosen'],
      ['log-search', 'Chosen'],
      ['feature-flags', 'Chosen'],
      ['ci-runners', 'Required'],
      ['service-mesh', 'Chosen'],
    ]);
    const placed = new Set(chartRows.map((r) => r[0]));
    expect(
      rows
        .filter((r) => placed.has(r[0]!))
        .map((r) => r[0])
        .sort(),
    ).toEqual([...placed].sort());
    const dp = rows.find((r) => r[0] === 'deploy-pipeline')!;
    expect(dp.slice(2)).toEqual([
      'Satisfied: 100% (95% interval 72 to 100, 10 answers)',
      'Product–market fit: teams choose it and are satisfied, so grow it.',
      'Opt-in 33% (2 of 6 teams)',
      '100% (2 of 2 teams)',
      '0 waiting, 0 approved',
      '0.0',
      'Not enough data yet (lead time for changes)',
    ]);
    const ci = rows.find((r) => r[0] === 'ci-runners')!;
    expect(ci.slice(2, 7)).toEqual([
      'Not placed — too few answers here, or showing them would reveal a smaller group’s answers.',
      'Needs more answers: too few in the last two survey periods and their pulses to place it.',
      'Coverage 67% (4 of 6 teams)',
      '100% (4 of 4 teams)',
      '3 waiting, 1 approved',
    ]);
    expect(rows.find((r) => r[0] === 'log-search')![7]).toBe('3.0');
    expect(html).toContain('<a href="/capabilities/deploy-pipeline">deploy-pipeline</a>');

    // Ideas and retired capabilities are listed apart; the rules are explained.
    expect(html).toMatch(
      /Not placed, as they are not on offer:.*chatops.*\(idea\).*old-ci.*\(retired\)/s,
    );
    expect(html).toContain('<summary>How this is placed</summary>');
    expect(html).toContain('closed surveys of 2026-Q2 and 2026-Q3');
    expect(html).toContain('(Apr–Sep 2026)');
  });

  it('keeps a bad quarter in the form with the error beside it and at the top', async () => {
    const reader = await signIn(handle(), 'developer');
    const res = await get(handle(), '/matrix?period=2026-13', reader);
    expect(res.status).toBe(400);
    expect(res.html).toContain('There is a problem');
    expect(res.html).toContain(
      '<a href="#field-period">Give a quarter as YYYY-Qn, such as 2026-Q4.</a>',
    );
    expect(res.html).toMatch(/<option value="2026-13" selected="">2026-13<\/option>/);
    expect(res.html).not.toContain('<svg');
  });

  it('shows the current quarter by default, with an empty catalog said plainly, and asks to sign in', async () => {
    const reader = await signIn(handle(), 'developer');
    const res = await get(handle(), '/matrix', reader);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`Mandate–choice matrix, ${quarterOf(new Date()).key}`);
    expect(res.html).toContain('No capability is on offer yet.');
    const anonymous = await get(handle(), '/matrix');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });
});

it('words the time a capability saves with its interval, and when it is not causal', () => {
  const v = { outcome: 'Lead time for changes', low: null, high: null, causal: true };
  expect(valueText(null)).toBe('No outcome fixed yet');
  expect(valueText({ ...v, hoursPerWeek: null })).toBe(
    'Not enough data yet (lead time for changes)',
  );
  expect(valueText({ ...v, hoursPerWeek: -3.14, low: -5, high: -1.2 })).toBe(
    'Saves about 3.1 hours a week (95% interval: from 1.2 to 5.0 hours saved)',
  );
  expect(valueText({ ...v, hoursPerWeek: 12.4, causal: false })).toBe(
    'Costs about 12 hours a week — not causal',
  );
  expect(experienceText({ status: 'unclear', n: 20, csat: 40, low: 21.88, high: 61.34 })).toBe(
    'Unclear: 40% (95% interval 21 to 61, 20 answers)',
  );
});
