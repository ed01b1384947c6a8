// The CSV export of a survey's results: the same figures, through the same
// rules, as the results page and API. A hidden cut is a row that says so,
// without its count.

import { type Figure, HIDDEN_TEXT, type SurveyResults } from './results.ts';

const HEADER = [
  'dimension',
  'cut',
  'parent',
  'metric',
  'item',
  'status',
  'n',
  'value',
  'low',
  'high',
  'mean',
  'text',
];

/** One CSV field, quoted when it needs to be; formulas are defused for spreadsheets. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(Math.round(value * 10) / 10) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = Array<string | number | null | undefined>;

function figureRow(
  base: Row,
  metric: string,
  item: string,
  figure: Figure<{
    n: number;
    value?: number | null;
    score?: number | null;
    interval?: { low: number; high: number } | null;
    mean?: number | null;
    median?: number | null;
  }>,
): Row {
  if (figure.status !== 'shown') {
    return [
      ...base,
      metric,
      item,
      figure.status,
      null,
      null,
      null,
      null,
      null,
      figure.status === 'hidden' ? HIDDEN_TEXT : 'No answers',
    ];
  }
  const value = figure.score ?? figure.value ?? figure.median ?? null;
  return [
    ...base,
    metric,
    item,
    'shown',
    figure.n,
    value,
    figure.interval?.low,
    figure.interval?.high,
    figure.mean ?? null,
    null,
  ];
}

/** The results as CSV (RFC 4180, CRLF line ends). */
export function resultsCsv(results: SurveyResults): string {
  const rows: Row[] = [HEADER];
  const labels = new Map(results.cuts.map((c) => [c.key, c.label]));
  for (const cut of results.cuts) {
    const base: Row = [results.by, cut.label, cut.parent ? labels.get(cut.parent) : null];
    rows.push(
      cut.status === 'shown'
        ? [...base, 'respondents', '', 'shown', cut.respondents, null, null, null, null, null]
        : [
            ...base,
            'respondents',
            '',
            cut.status,
            null,
            null,
            null,
            null,
            null,
            cut.status === 'hidden' ? HIDDEN_TEXT : 'No answers',
          ],
    );
    if (cut.responseRate) {
      rows.push([
        ...base,
        'response-rate',
        '',
        'shown',
        cut.responseRate.denominator,
        cut.responseRate.value,
        null,
        null,
        null,
        null,
      ]);
    }
    rows.push(figureRow(base, 'nps', '', cut.nps));
    rows.push(figureRow(base, 'high-cognitive-load', '', cut.cognitiveLoad));
    rows.push(figureRow(base, 'hours-lost-median', '', cut.hoursLost));
    if (cut.hoursLost.status === 'shown') {
      rows.push([
        ...base,
        'hours-lost-trimmed-mean',
        '',
        'shown',
        cut.hoursLost.n,
        cut.hoursLost.trimmedMean,
        null,
        null,
        null,
        null,
      ]);
      rows.push([
        ...base,
        'hours-lost-fte',
        '',
        'shown',
        cut.hoursLost.n,
        cut.hoursLost.fte,
        null,
        null,
        null,
        null,
      ]);
    }
    for (const c of cut.capabilities) {
      rows.push(figureRow(base, 'csat', c.slug, c.csat));
      rows.push(figureRow(base, 'effort', c.slug, c.effort));
    }
    for (const q of cut.custom) {
      if (q.rating)
        rows.push(figureRow(base, 'custom-rating (not comparable)', q.prompt, q.rating));
    }
    if (cut.comments.status === 'shown') {
      for (const item of cut.comments.items) {
        rows.push([
          ...base,
          'comment',
          item.prompt,
          'shown',
          null,
          null,
          null,
          null,
          null,
          item.body,
        ]);
      }
    } else {
      rows.push([
        ...base,
        'comment',
        '',
        cut.comments.status,
        null,
        null,
        null,
        null,
        null,
        cut.comments.status === 'hidden' ? HIDDEN_TEXT : 'No answers',
      ]);
    }
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
