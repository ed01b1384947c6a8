import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { buildReport } from './report.ts';
import { escapeMarkdown, markdownTable, renderReportMarkdown } from './report-markdown.ts';
import { REPORT_NOW, REPORT_PERIOD, seedReportOrg } from './report-testing.ts';

it('escapes what Markdown would read as markup, on one line', () => {
  expect(escapeMarkdown('Fix *all* the [links] | <b>now</b>\n  please')).toBe(
    'Fix \\*all\\* the \\[links\\] \\| \\<b\\>now\\</b\\> please',
  );
  expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
  expect(escapeMarkdown('- not a list')).toBe('\\- not a list');
});

it('writes a table with its caption, right-aligned numbers and a note, or says why it is empty', () => {
  const table = {
    caption: 'Votes',
    columns: [{ label: 'Item' }, { label: 'Votes', numeric: true }],
    rows: [[{ text: 'Slow | builds', href: '/feedback/1' }, '4']],
    empty: 'No votes.',
    note: 'Counted once per person.',
  };
  expect(markdownTable(table)).toBe(
    '### Votes\n\n| Item | Votes |\n| --- | ---: |\n| Slow \\| builds | 4 |\n\nCounted once per person.',
  );
  expect(markdownTable({ ...table, rows: [] })).toBe('### Votes\n\nNo votes.');
});

describeEngines('quarterly report as Markdown', (handle) => {
  it('reads the same for the small fixed organisation on every engine', async () => {
    await seedReportOrg(handle());
    const report = await buildReport(handle().db, { period: REPORT_PERIOD, now: REPORT_NOW });
    const markdown = renderReportMarkdown(report, { baseUrl: 'https://paved.example.test' });
    await expect(markdown).toMatchFileSnapshot('__snapshots__/report-2026-Q3.md');
  });
});
