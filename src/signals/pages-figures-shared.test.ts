import { expect, it } from 'vitest';
import { daysText, hoursText, monthSpan, weeklyInterval } from './pages-figures-shared.tsx';

it.each([
  [-250.4, -134.2, 'from 134 to 250 hours saved'],
  [1.66, 1.96, 'from 1.7 to 2.0 hours lost'],
  [-0.52, 1.2, 'from 0.5 hours saved to 1.2 hours lost'],
])('says a weekly interval %s…%s as "%s"', (low, high, words) => {
  expect(weeklyInterval(low, high)).toBe(words);
});

it('writes days, hours and month spans as people read them', () => {
  expect(daysText(4.94)).toBe('4.9 days');
  expect(daysText(1)).toBe('1 day');
  expect(daysText(21.4)).toBe('21 days');
  expect(daysText(null)).toBe('Not yet known');
  expect(hoursText(0.5)).toBe('30 minutes');
  expect(hoursText(3.52)).toBe('3.5 hours');
  expect(hoursText(96)).toBe('4 days');
  expect(hoursText(null)).toBe('No data yet');
  expect(monthSpan('2026-08')).toBe('Aug 2026');
  expect(monthSpan('2026-08', '2026-09')).toBe('Aug–Sep 2026');
  expect(monthSpan('2025-12', '2026-02')).toBe('Dec 2025–Feb 2026');
});
