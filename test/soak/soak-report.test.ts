import { describe, expect, it } from 'vitest';
import { levelsOff, quantile, soakReport } from './soak-report.ts';

describe('the soak report', () => {
  it('takes nearest-rank quantiles', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(ms, 0.5)).toBe(50);
    expect(quantile(ms, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('says the RSS levelled off only when the last third peaks within 10% of the middle third', () => {
    const at = (mbs: number[]) => mbs.map((mb, i) => ({ t: i * 1000, mb }));
    expect(levelsOff(at([100, 150, 200, 210, 205, 215, 220, 218, 219]))).toEqual({
      middle: 215,
      last: 220,
      ok: true,
    });
    expect(levelsOff(at([100, 150, 200, 210, 220, 230, 250, 270, 300])).ok).toBe(false);
    expect(levelsOff([]).ok).toBe(false);
  });

  it('fails the run on any failed request, and counts them by status', () => {
    const rss = Array.from({ length: 12 }, (_, i) => ({ t: i * 10_000, mb: 200 }));
    const ok = { kind: 'vote', t: 1000, ms: 20, ok: true, status: 200 };
    const passed = soakReport({
      minutes: 2,
      samples: [ok, { ...ok, t: 70_000 }],
      rss,
      answersLeft: 0,
    });
    expect(passed.passed).toBe(true);
    expect(passed.text).toContain('2 requests, 0 failed (0%). RSS levelled off');
    expect(passed.text).toContain('| vote | 2 | 0 | 0% | 20 | 20 | 20 |');
    const failed = soakReport({
      minutes: 2,
      samples: [ok, { ...ok, ok: false, status: 0 }, { ...ok, ok: false, status: 503 }],
      rss,
      answersLeft: 3,
    });
    expect(failed.passed).toBe(false);
    expect(failed.text).toContain('3 requests, 2 failed (66.67%): 1× no answer, 1× 503.');
    expect(failed.text).toContain('3 survey answers were still to send.');
    expect(failed.text).toContain('Verdict: FAILED.');
  });
});
