import { describe, expect, it } from 'vitest';
import {
  kb,
  median,
  type PageBaseline,
  type PageResult,
  pageMeasurements,
  pageTotals,
  skippedMeasurement,
  type Transfer,
  visibleAt,
} from './pages-weight.ts';

// A board page as Chromium saw it on the small demo: the document, the
// stylesheet and the icon, with their header bytes.
const transfers: Transfer[] = [
  { url: '/feedback', type: 'Document', status: 200, wireBytes: 4849, headerBytes: 788 },
  { url: '/assets/paved.css', type: 'Stylesheet', status: 200, wireBytes: 4271, headerBytes: 814 },
  { url: '/assets/favicon.svg', type: 'Other', status: 200, wireBytes: 961, headerBytes: 790 },
];

const baseline: PageBaseline = {
  name: 'static tiny page (/healthz)',
  path: '/healthz',
  visibleMs: 480,
  runs: [470, 480, 500],
};

function page(overrides: Partial<PageResult> = {}): PageResult {
  return {
    name: 'feedback board',
    path: '/feedback',
    as: 'admin',
    h1: 'Feedback',
    firstHtml: {
      status: 200,
      encoding: 'gzip',
      wireBytes: 4047,
      htmlBytes: 18735,
      gzipBytes: 4047,
    },
    totals: pageTotals(transfers),
    visibleMs: 1080,
    runs: [1072, 1080, 1204],
    noJs: { mainVisible: true, sameText: true },
    ...overrides,
  };
}

const byName = (list: ReturnType<typeof pageMeasurements>, suffix: string) => {
  const found = list.find((m) => m.name.endsWith(suffix));
  if (!found) throw new Error(`no measurement ending in ${suffix}`);
  return found;
};

describe('page totals', () => {
  it('adds up requests, bytes on the wire and bodies without headers', () => {
    // 4849 + 4271 + 961 = 10081 on the wire; bodies (4849-788) + (4271-814) + (961-790) = 4061 + 3457 + 171 = 7689.
    expect(pageTotals(transfers)).toEqual({
      requests: 3,
      wireBytes: 10081,
      bodyBytes: 7689,
      scripts: 0,
    });
  });

  it('counts scripts, and never a negative body when CDP reports headers larger than the total', () => {
    const totals = pageTotals([
      { url: '/a.js', type: 'Script', status: 200, wireBytes: 1000, headerBytes: 200 },
      { url: '/b', type: 'Other', status: 0, wireBytes: 0, headerBytes: 300 },
    ]);
    expect(totals).toEqual({ requests: 2, wireBytes: 1000, bodyBytes: 800, scripts: 1 });
  });
});

describe('small helpers', () => {
  it('kb rounds kilobytes of 1,024 bytes to one decimal', () => {
    expect(kb(14 * 1024)).toBe(14);
    expect(kb(1674)).toBe(1.6); // 1.6347…
    expect(kb(10081)).toBe(9.8); // 9.8447…
    expect(kb(0)).toBe(0);
  });

  it('median takes the middle value, or the mean of the two middle ones', () => {
    expect(median([1204, 1072, 1080])).toBe(1080);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('main content is visible at the later of its first rendered frame and the first paint', () => {
    expect(visibleAt(500, 900)).toBe(900);
    expect(visibleAt(1000, 900)).toBe(1000);
    expect(visibleAt(700, null)).toBe(700);
    expect(visibleAt(null, 900)).toBeNull();
  });
});

describe('page measurements', () => {
  it('give each figure of a page with its unit, and the slow-link time with its baseline and ratio', () => {
    const list = pageMeasurements(page(), baseline);
    expect(list.map((m) => [m.name, m.value, m.unit])).toEqual([
      ['feedback board: first HTML', 4, 'KB'], // 4047 / 1024 = 3.95
      ['feedback board: page and assets', 9.8, 'KB'],
      ['feedback board: requests', 3, 'requests'],
      ['feedback board: main content on 3G', 1080, 'ms'],
      ['feedback board: main content without JavaScript', 1, 'check'],
    ]);
    const visible = byName(list, 'main content on 3G');
    expect(visible.baseline).toEqual({ name: 'static tiny page (/healthz) on 3G', value: 480 });
    expect(visible.ratio).toBe(2.25); // 1080 / 480
    expect(visible.detail?.runs).toBe('1072, 1080, 1204');
    expect(list.every((m) => m.step === 'pages')).toBe(true);
    expect(list.filter((m) => m.goal).every((m) => m.goal!.met)).toBe(true);
    expect(byName(list, 'first HTML').detail?.encoding).toBe('gzip');
  });

  it('hold the first HTML to 14 KB, the page to 50 KB and the time to 2 s, limits included', () => {
    const at = (bytes: number, total: number, ms: number) =>
      pageMeasurements(
        page({
          firstHtml: {
            status: 200,
            encoding: 'gzip',
            wireBytes: bytes,
            htmlBytes: 60_000,
            gzipBytes: bytes,
          },
          totals: { requests: 3, wireBytes: total, bodyBytes: total - 2000, scripts: 0 },
          visibleMs: ms,
        }),
        baseline,
      );
    const met = (list: ReturnType<typeof pageMeasurements>) =>
      ['first HTML', 'page and assets', 'main content on 3G'].map((s) => byName(list, s).goal?.met);
    expect(met(at(14 * 1024, 50 * 1024, 2000))).toEqual([true, true, true]);
    expect(met(at(14 * 1024 + 1, 50 * 1024 + 1, 2001))).toEqual([false, false, false]);
  });

  it('judge an uncompressed first HTML on the bytes sent, and say what gzip would give', () => {
    const list = pageMeasurements(
      page({
        firstHtml: {
          status: 200,
          encoding: null,
          wireBytes: 18735,
          htmlBytes: 18735,
          gzipBytes: 4047,
        },
      }),
      baseline,
    );
    const first = byName(list, 'first HTML');
    expect(first.value).toBe(18.3); // 18735 / 1024 = 18.29
    expect(first.goal?.met).toBe(false);
    expect(first.detail?.encoding).toMatch(/uncompressed/);
    expect(first.detail?.gzipWouldBeKB).toBe(4);
  });

  it('fail the JavaScript check when the main content is missing or differs without JavaScript', () => {
    for (const noJs of [
      { mainVisible: false, sameText: true },
      { mainVisible: true, sameText: false },
    ]) {
      const check = byName(pageMeasurements(page({ noJs }), baseline), 'without JavaScript');
      expect(check.value).toBe(0);
      expect(check.goal).toEqual({ text: 'no required JavaScript', met: false });
    }
  });

  it('a page never shown counts as not met, not as fast', () => {
    const list = pageMeasurements(page({ visibleMs: Number.POSITIVE_INFINITY }), baseline);
    expect(byName(list, 'main content on 3G').goal?.met).toBe(false);
  });
});

describe('pages not measured', () => {
  it('carry no number, and a goal only when the page should have been there', () => {
    const notBuilt = skippedMeasurement({
      name: 'report',
      path: '/report/2026-Q3',
      reason: 'not built yet: /report/2026-Q3 answers 404',
      failed: false,
    });
    expect(notBuilt.name).toBe('report: not measured');
    expect(notBuilt.value).toBeNaN();
    expect(notBuilt.goal).toBeUndefined();
    expect(notBuilt.detail?.skipped).toMatch(/not built yet/);

    const broken = skippedMeasurement({
      name: 'roadmap',
      path: '/roadmap',
      reason: '/roadmap answered 500 as the demo admin',
      failed: true,
    });
    expect(broken.value).toBeNaN();
    expect(broken.goal?.met).toBe(false);
  });
});
