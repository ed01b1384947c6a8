// What the beta pages share: addresses, words for statuses and verdicts, and
// a share of satisfied answers as a sentence with its interval and n.

import type { Figure, TopBox } from '../surveys/results.ts';
import { HIDDEN_TEXT } from '../surveys/results.ts';
import { type BetaStatus, STATUS_WORDS, VERDICT_WORDS, type Verdict } from './betas-model.ts';

/** A beta's page, or one of its sub-pages. */
export const betaPath = (id: string, rest = '') => `/betas/${encodeURIComponent(id)}${rest}`;

/** A status as a word in a quiet box (never colour alone). */
export function StatusTag({ status }: { status: BetaStatus }) {
  const tone = status === 'graduated' ? 'status status-good' : 'status';
  return <span class={tone}>{STATUS_WORDS[status]}</span>;
}

export function VerdictTag({ verdict }: { verdict: Verdict }) {
  const tone =
    verdict === 'met'
      ? 'status status-good'
      : verdict === 'not-met'
        ? 'status status-bad'
        : 'status status-quiet';
  return <span class={tone}>{VERDICT_WORDS[verdict]}</span>;
}

const pct = (v: number) => `${Math.round(v)}%`;

/** "67% (95% interval 30 to 90)", or why there is no figure. */
export function TopBoxText({ figure }: { figure: Figure<TopBox> }) {
  if (figure.status !== 'shown')
    return <>{figure.status === 'empty' ? 'No answers' : 'Not shown'}</>;
  return (
    <>
      {figure.value === null ? 'No answers' : pct(figure.value)}
      {figure.interval ? (
        <span class="muted">
          {' '}
          (95% interval {pct(figure.interval.low)} to {pct(figure.interval.high)})
        </span>
      ) : null}
    </>
  );
}

/** The answers behind a figure, or a dash where the count is not shown. */
export const answersOf = (figure: Figure<TopBox>) =>
  figure.status === 'shown' ? String(figure.n) : '–';

export { HIDDEN_TEXT };
