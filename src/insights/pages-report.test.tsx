import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { get } from '../capabilities/pages-testing.ts';
import { stylesheet } from '../core/ui/assets.ts';
import { latestCompletedQuarter } from './report.ts';
import { REPORT_PERIOD, seedReportOrg } from './report-testing.ts';

/** The heading levels of a page, in order. */
const headingLevels = (html: string) =>
  [...html.matchAll(/<h([1-6])[ >]/g)].map((m) => Number(m[1]));

describeEngines('report pages', (handle) => {
  it('shows the report as plain HTML: one h1, no skipped levels, a table for every chart, no script', async () => {
    const seed = await seedReportOrg(handle());
    const reader = await signIn(handle(), 'developer');
    const res = await get(handle(), `/report/${REPORT_PERIOD}`, reader);
    expect(res.status).toBe(200);
    const { html } = res;
    const levels = headingLevels(html);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    for (const [i, level] of levels.entries()) {
      if (i > 0) expect(level - levels[i - 1]!).toBeLessThanOrEqual(1);
    }
    expect(html).toContain('<h1>Platform report, Q3 2026</h1>');
    for (const section of [
      'Headline',
      'The mandate–choice matrix',
      'What developers said',
      'What we did',
      'Betas',
      'Research and office hours',
      'What is next',
    ]) {
      expect(html).toMatch(new RegExp(`<h2 id="[a-z-]+">${section}</h2>`));
    }
    // Every chart carries its numbers as a table, and the charts are images with a title.
    const figures = [...html.matchAll(/<figure class="chart"[^>]*>(.*?)<\/figure>/gs)];
    expect(figures.length).toBe(2);
    for (const [figure] of figures) {
      expect(figure).toMatch(/<svg[^>]*role="img"/);
      expect(figure).toContain('<table>');
    }
    // Readable without JavaScript: no script at all, links instead of controls.
    expect(html).not.toContain('<script');
    expect(html).toContain(
      `href="/feedback/${seed.feedback.slow}">Deploys are slow on Mondays</a>`,
    );
    expect(html).toContain('href="/api/v1/report?period=2026-Q3"');
    expect(html).toContain('50 (95% interval 1 to 79, 12 answers)');
    // The stylesheet it links prints cleanly: navigation, header and forms hidden.
    expect(html).toContain(`<link rel="stylesheet" href="${stylesheet.path}"/>`);
    const css = await (await get(handle(), stylesheet.path)).html;
    const print = css.slice(css.lastIndexOf('@media print'));
    for (const rule of ['header.site', 'form', '.report-tools', 'break-inside: avoid']) {
      expect(print).toContain(rule);
    }
  });

  it('leads /report to the latest completed quarter, and lists the quarters', async () => {
    await seedReportOrg(handle());
    const reader = await signIn(handle(), 'developer');
    const to = await get(handle(), '/report', reader);
    expect(to.status).toBe(302);
    expect(to.headers.get('location')).toBe(`/report/${latestCompletedQuarter()}`);
    const list = await get(handle(), '/report/quarters', reader);
    expect(list.status).toBe(200);
    expect(list.html).toContain('<h1>Quarterly reports</h1>');
    expect(list.html).toContain('<a href="/report/2026-Q3">Platform report, Q3 2026</a>');
    expect(list.html).toContain('2026-Q3 platform survey');
  });

  it('answers a period that is not a quarter with the list and a 400, and sign-in first', async () => {
    const reader = await signIn(handle(), 'developer');
    const bad = await get(handle(), '/report/2026-11', reader);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('There is no report for “2026-11”');
    expect(bad.html).toContain('<caption');
    const anonymous = await get(handle(), `/report/${REPORT_PERIOD}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Freport%2F2026-Q3');
  });

  it('indexes the insights, with research and office hours for those who read them', async () => {
    await seedReportOrg(handle());
    const developer = await signIn(handle(), 'developer');
    const platform = await signIn(handle(), 'platform');
    const dev = await get(handle(), '/insights', developer);
    expect(dev.status).toBe(200);
    expect(dev.html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(dev.html).toMatch(/<a href="\/insights" aria-current="page">Insights<\/a>/);
    for (const href of [
      `/report/${latestCompletedQuarter()}`,
      '/report/quarters',
      '/matrix',
      '/betas',
    ]) {
      expect(dev.html).toContain(`<a href="${href}">`);
    }
    expect(dev.html).not.toContain('href="/research"');
    // Cheap headline numbers: the betas under way (the seed's one iterating), the latest survey.
    expect(dev.html).toContain('<p class="muted">1 beta under way.</p>');
    expect(dev.html).toMatch(
      /<p class="muted">(.+ answered\.|No survey closed in Q\d \d{4}\.)<\/p>/,
    );
    const plat = await get(handle(), '/insights', platform);
    expect(plat.html).toContain('<a href="/research">User research</a>');
    expect(plat.html).toContain('<a href="/office-hours">Office hours</a>');
  });
});
