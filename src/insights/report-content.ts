// What the quarterly report says, in words and tables, from its JSON alone:
// the Markdown renderer and the HTML view (the page, and the CLI's HTML) lay
// out these same sentences and tables, so every output reads the same.

import { type FeedbackStatus, statusLabel } from '../feedback/model.ts';
import { NOTE_KINDS } from '../research/model.ts';
import {
  DRIVER_LABELS,
  type Driver,
  HORIZON_LABELS,
  type Horizon,
  type RoadmapStatus,
  STATUS_LABELS,
} from '../roadmap/model.ts';
import {
  daysText,
  HIDDEN_HIRES,
  monthSpan,
  percentText,
  plural,
} from '../signals/pages-figures-shared.tsx';
import { HIDDEN_TEXT } from '../surveys/results.ts';
import { changeText, dayWords, npsText, periodWords, rateText } from '../surveys/words.ts';
import { STATUS_WORDS as BETA_STATUS_WORDS } from './betas-model.ts';
import { GROUP_TITLES, groupOf, matrixGroups } from './matrix.ts';
import { matrixSentence } from './matrix-chart.tsx';
import { experienceText, valueText } from './pages-matrix.tsx';
import type { Report, ReportCohort } from './report-schema.ts';

/** A table cell: text, or text that links somewhere in paved. */
export type Cell = string | { text: string; href: string };

export interface ReportTable {
  caption: string;
  columns: { label: string; numeric?: boolean }[];
  rows: Cell[][];
  /** Said instead of the table when it has no rows. */
  empty: string;
  /** Said under the table, when something in it needs explaining. */
  note?: string;
}

export const reportPath = (period: string) => `/report/${encodeURIComponent(period)}`;
const feedbackPath = (id: string) => `/feedback/${encodeURIComponent(id)}`;
const roadmapPath = (id: string) => `/roadmap/${encodeURIComponent(id)}`;
const changelogPath = (id: string) => `/changelog/${encodeURIComponent(id)}`;
const capabilityPath = (slug: string) => `/capabilities/${encodeURIComponent(slug)}`;
const betaPath = (id: string) => `/betas/${encodeURIComponent(id)}`;

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const capabilityCell = (c: { slug: string; name: string } | null): Cell =>
  c ? { text: c.name, href: capabilityPath(c.slug) } : '–';

/** `Q3 2026 platform report`. */
export function reportTitle(report: Pick<Report, 'period'>): string {
  return `Platform report, ${periodWords(report.period)}`;
}

/** The lead under the title: what the report covers and how complete it is. */
export function reportLead(report: Report): string {
  const span = `${dayWords(report.start)} to ${dayWords(
    new Date(Date.parse(report.end) - 1).toISOString(),
  )}`;
  const state =
    report.state === 'complete'
      ? 'The quarter has ended.'
      : report.state === 'in-progress'
        ? `The quarter is still running: figures are as of ${dayWords(report.generatedAt)} and will change.`
        : 'The quarter has not started yet, so there is little to report.';
  return `How developers found the platform from ${span}, what they asked for, what the platform team did about it, and what comes next. ${state} Groups smaller than ${report.k} people are never shown; comments only for groups of at least ${report.kComment}.`;
}

/** One headline figure: what it is, its value in words, and a note on where it comes from. */
export interface Headline {
  label: string;
  value: string;
  note: string;
}

function npsHeadline(report: Report): Headline {
  const s = report.headline.survey;
  const label = 'Net Promoter Score';
  if (!s) {
    return {
      label,
      value: 'No survey',
      note: `No survey closed in ${periodWords(report.period)}.`,
    };
  }
  if (s.nps.status !== 'shown') {
    return s.nps.status === 'hidden'
      ? { label, value: 'Not shown', note: HIDDEN_TEXT }
      : { label, value: 'No answers', note: `Nobody answered it in ${s.title}.` };
  }
  const score = s.nps.score === null ? 'No answers' : npsText(s.nps);
  const change = s.change
    ? changeText({
        previousPeriod: s.change.previousPeriod,
        delta: s.change.change.delta,
        significant: s.change.change.significant,
      })
    : 'no comparable earlier quarter';
  return { label, value: score, note: `${sentence(change)}. From ${s.title}.` };
}

function responseHeadline(report: Report): Headline {
  const s = report.headline.survey;
  const label = 'Response rate';
  if (!s) return { label, value: 'No survey', note: 'Nobody was asked this quarter.' };
  if (!s.responseRate) {
    return { label, value: 'Not shown', note: `Fewer than ${s.k} people were invited.` };
  }
  const r = s.responseRate;
  return {
    label,
    value: rateText(r.value, r.numerator, r.denominator),
    note: `Answers to ${s.title} over the people it asked.`,
  };
}

function firstDeployHeadline(report: Report): Headline {
  const f = report.headline.timeToFirstDeploy;
  const label = 'Time to first deploy';
  const o = f.overall;
  if (!o) {
    return {
      label,
      value: 'Not shown',
      note: `No group of at least ${f.k} hires who started since ${monthSpan(f.since)} yet.`,
    };
  }
  return {
    label,
    value: `${daysText(o.medianDays)} (median)`,
    note: `People who started in ${monthSpan(o.from, o.to)}: ${plural(o.hires ?? 0, 'hire')}, ${o.waiting ?? 0} still on their way (counted, not dropped).`,
  };
}

function feedbackHeadline(report: Report): Headline {
  const f = report.headline.feedback;
  const label = 'Feedback acknowledged in time';
  const r = f.withinSla;
  if (r.value === null) {
    return {
      label,
      value: 'No data',
      note: `No feedback from ${periodWords(report.period)} has reached the end of its ${plural(f.slaDays, 'day')} to acknowledge yet.`,
    };
  }
  const median =
    f.timeToAcknowledge.medianDays === null
      ? ''
      : ` Median time to acknowledge: ${daysText(f.timeToAcknowledge.medianDays)}.`;
  return {
    label,
    value: `${percentText(r.value)} (${r.numerator} of ${r.denominator} items)`,
    note: `Acknowledged within ${plural(f.slaDays, 'day')}.${median} ${plural(f.openOverdue, 'item')} open and overdue on ${dayWords(f.evaluatedAt)}.`,
  };
}

/** The four headline figures, in the order the home page shows them. */
export function headlines(report: Report): Headline[] {
  return [
    npsHeadline(report),
    responseHeadline(report),
    firstDeployHeadline(report),
    feedbackHeadline(report),
  ];
}

const shareBy = (c: ReportCohort, day: number) =>
  percentText(c.reachedBy?.find((r) => r.day === day)?.percent ?? null);

/** Time to first deploy per hire group, as the chart's table. */
export function firstDeployTable(report: Report): ReportTable {
  const cohorts = report.headline.timeToFirstDeploy.cohorts;
  return {
    caption: 'Days to first deploy, by the month people started',
    columns: [
      { label: 'Started' },
      { label: 'Hires', numeric: true },
      { label: 'Still on their way', numeric: true },
      { label: 'Median days', numeric: true },
      { label: 'By day 7', numeric: true },
      { label: 'By day 14', numeric: true },
      { label: 'By day 30', numeric: true },
    ],
    rows: cohorts.map((c) =>
      c.hidden
        ? [monthSpan(c.from, c.to), 'Not shown', '–', '–', '–', '–', '–']
        : [
            monthSpan(c.from, c.to),
            String(c.hires),
            String(c.waiting),
            daysText(c.medianDays),
            shareBy(c, 7),
            shareBy(c, 14),
            shareBy(c, 30),
          ],
    ),
    empty: 'Nobody started in these months.',
    note: cohorts.some((c) => c.hidden) ? HIDDEN_HIRES : undefined,
  };
}

/** What the comment themes rest on, in a sentence. */
export function themesSentence(report: Report): string {
  const t = report.developersSaid.themes;
  switch (t.status) {
    case 'no-survey':
      return `No survey closed in ${periodWords(report.period)}, so there are no comments to read.`;
    case 'hidden':
      return `Comments are not shown: fewer than ${report.headline.survey?.kComment ?? report.kComment} people answered, and comments show only for larger groups.`;
    case 'empty':
      return 'Nobody left a comment this quarter.';
    default:
      return `From ${plural(t.comments ?? 0, 'comment')} in ${report.headline.survey?.title ?? 'the survey'}: how many comments name each capability, and the words most comments share.`;
  }
}

export function themeTables(report: Report): ReportTable[] {
  const t = report.developersSaid.themes;
  if (t.status !== 'shown') return [];
  return [
    {
      caption: 'Capabilities named in comments',
      columns: [{ label: 'Capability' }, { label: 'Comments', numeric: true }],
      rows: t.capabilities.map((c) => [capabilityCell(c), String(c.count)]),
      empty: 'No comment names a capability.',
    },
    {
      caption: 'Words most comments share',
      columns: [{ label: 'Word' }, { label: 'Comments', numeric: true }],
      rows: t.terms.map((w) => [w.term, String(w.count)]),
      empty: 'No word comes up in more than one comment.',
    },
  ];
}

const kindWord = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1);

export function topFeedbackTable(report: Report): ReportTable {
  return {
    caption: 'Most voted feedback posted this quarter',
    columns: [
      { label: 'Feedback' },
      { label: 'Kind' },
      { label: 'Capability' },
      { label: 'Status' },
      { label: 'Votes', numeric: true },
    ],
    rows: report.developersSaid.topFeedback.map((f) => [
      { text: f.title, href: feedbackPath(f.id) },
      kindWord(f.kind),
      capabilityCell(f.capability),
      statusLabel(f.status as FeedbackStatus),
      String(f.votes),
    ]),
    empty: 'No feedback posted this quarter has votes yet.',
  };
}

export function changelogTable(report: Report): ReportTable {
  return {
    caption: 'You said, we did: what shipped this quarter',
    columns: [{ label: 'Shipped' }, { label: 'What changed' }, { label: 'You said (votes)' }],
    rows: report.whatWeDid.changelog.map((e) => [
      dayWords(e.publishedAt),
      {
        text: e.breaking ? `${e.title} (breaking, from ${e.effectiveOn})` : e.title,
        href: changelogPath(e.id),
      },
      e.feedback.length === 0
        ? '–'
        : e.feedback.map((f) => `${f.title} (${plural(f.votes, 'vote')})`).join('; '),
    ]),
    empty: 'Nothing shipped through the changelog this quarter.',
  };
}

function changeWords(c: Report['whatWeDid']['roadmapChanges'][number]): string {
  const status = STATUS_LABELS[c.status as RoadmapStatus] ?? c.status;
  if (c.change === 'shipped') return 'Shipped';
  return c.change === 'decided'
    ? `Decided: ${status.toLowerCase()}`
    : `Added (${status.toLowerCase()})`;
}

export function roadmapTable(report: Report): ReportTable {
  return {
    caption: 'Roadmap changes and why',
    columns: [
      { label: 'When' },
      { label: 'Item' },
      { label: 'Change' },
      { label: 'Driven by' },
      { label: 'Why' },
    ],
    rows: report.whatWeDid.roadmapChanges.map((c) => [
      dayWords(c.at),
      { text: c.title, href: roadmapPath(c.id) },
      changeWords(c),
      DRIVER_LABELS[c.driver as Driver] ?? c.driver,
      c.decisionRationale && c.decisionRationale !== c.rationale
        ? `${c.rationale} Decision: ${c.decisionRationale}`
        : c.rationale,
    ]),
    empty: 'No roadmap item was added, decided or shipped this quarter.',
  };
}

export function decisionsSentence(report: Report): string {
  const d = report.whatWeDid.decisions;
  if (d.total === 0) return 'No decision was recorded this quarter.';
  const shown = d.items.length < d.total ? ` The newest ${d.items.length} are listed.` : '';
  return `${plural(d.total, 'decision')} recorded this quarter, each with who decided and why.${shown}`;
}

export function decisionsTable(report: Report): ReportTable {
  return {
    caption: 'Decisions this quarter',
    columns: [
      { label: 'When' },
      { label: 'Decision' },
      { label: 'Category' },
      { label: 'Decided by' },
      { label: 'Why' },
    ],
    rows: report.whatWeDid.decisions.items.map((d) => [
      dayWords(d.at),
      d.summary,
      d.category,
      d.deciderName ?? '–',
      d.rationale,
    ]),
    empty: 'No decision was recorded this quarter.',
  };
}

export function nextTable(report: Report): ReportTable {
  return {
    caption: 'What is next: the roadmap’s now and next',
    columns: [
      { label: 'When' },
      { label: 'Item' },
      { label: 'Status' },
      { label: 'Why' },
      { label: 'Voters', numeric: true },
    ],
    rows: report.next.map((n) => [
      HORIZON_LABELS[n.horizon as Horizon],
      { text: n.title, href: roadmapPath(n.id) },
      STATUS_LABELS[n.status as RoadmapStatus] ?? n.status,
      `${n.rationale} (${DRIVER_LABELS[n.driver as Driver] ?? n.driver})`,
      String(n.voters),
    ]),
    empty: 'Nothing is planned for now or next on the roadmap.',
  };
}

// ---- The matrix and the capability table ----

type MatrixJson = Report['matrix'];
type RateJson = MatrixJson['rows'][number]['stayRate'];

/** "33% (2 of 6 teams)", or what stands in for a share of no teams. */
const teamRate = (r: RateJson, none: string) =>
  r.value === null
    ? none
    : `${Math.round(r.value)}% (${r.numerator} of ${plural(r.denominator, 'team')})`;

/** Where everything landed, and what experience rests on. */
export function matrixSentences(report: Report): string {
  const m = report.matrix;
  const pooled = m.pooled.map(periodWords).join(' and ');
  const notPlaced =
    m.notPlaced.length === 0
      ? ''
      : ` Not on offer, so not placed: ${m.notPlaced.map((c) => c.name).join(', ')}.`;
  return `${matrixSentence(m)} Experience pools the satisfaction answers of ${pooled} with their completed months’ pulses; a capability is satisfying when its whole 95% interval is at or above ${m.threshold}% satisfied, not satisfying when it is wholly below.${notPlaced}`;
}

/** Every capability on offer by what it calls for (the matrix as a table). */
export function matrixTable(report: Report): ReportTable {
  const rows = matrixGroups(report.matrix.rows).flatMap((g) => g.rows);
  return {
    caption: `Mandate–choice matrix, ${periodWords(report.period)}`,
    columns: [
      { label: 'Capability' },
      { label: 'Obligation' },
      { label: 'Placed' },
      { label: 'Experience' },
      { label: 'What it calls for' },
    ],
    rows: rows.map((r) => [
      capabilityCell(r.capability),
      r.capability.obligation === 'mandatory' ? 'Required' : 'Chosen',
      GROUP_TITLES[groupOf(r)],
      experienceText(r.experience),
      r.action,
    ]),
    empty: 'No capability is on offer yet.',
  };
}

const STAGE_WORDS: Record<string, string> = {
  idea: 'Idea',
  beta: 'Beta',
  ga: 'Generally available',
  deprecated: 'Deprecated',
  retired: 'Retired',
};

/** Satisfaction and usage side by side, one row per capability on offer. */
export function capabilityTable(report: Report): ReportTable {
  return {
    caption: 'Capabilities: satisfaction and usage together',
    columns: [
      { label: 'Capability' },
      { label: 'Stage' },
      { label: 'Obligation' },
      { label: 'Opt-in or coverage' },
      { label: 'Teams that chose to stay' },
      { label: 'Satisfied (CSAT)' },
      { label: 'Exceptions' },
      { label: 'Unplanned work (hours)', numeric: true },
      { label: 'Time a week' },
    ],
    rows: report.matrix.rows.map((r) => [
      capabilityCell(r.capability),
      STAGE_WORDS[r.capability.stage] ?? r.capability.stage,
      r.capability.obligation === 'mandatory' ? 'Required' : 'Chosen',
      `${r.adoption.kind === 'opt-in' ? 'Opt-in' : 'Coverage'} ${teamRate(r.adoption.rate, 'no eligible teams')}`,
      teamRate(r.stayRate, 'No team has adopted it yet'),
      experienceText(r.experience),
      `${r.exceptions.open} waiting, ${r.exceptions.approved} approved`,
      r.unplanned.hours.toFixed(1),
      valueText(r.value),
    ]),
    empty: 'No capability is on offer yet.',
    note: 'Coverage of a required capability is a compliance figure, not a choice. Opt-in and the stay rate are as of the quarter’s end, exceptions as of now, the time a week is the latest estimate.',
  };
}

// ---- Betas ----

const BETA_DECISIONS = { graduate: 'Graduated', iterate: 'Iterate' } as const;

export function betasTable(report: Report): ReportTable {
  return {
    caption: 'Betas and their outcomes',
    columns: [
      { label: 'Capability' },
      { label: 'Status' },
      { label: 'Volunteer teams' },
      { label: 'Success criteria' },
      { label: 'Decided this quarter' },
    ],
    rows: report.betas.map((b) => [
      { text: b.capability.name, href: betaPath(b.id) },
      BETA_STATUS_WORDS[b.status],
      `${b.activeTeams} using it of ${b.teams} joined (target ${b.targetTeams})`,
      b.criteriaSummary,
      b.reviews.length === 0
        ? `No review yet; due ${dayWords(b.reviewOn)}`
        : b.reviews
            .map(
              (r) =>
                `${BETA_DECISIONS[r.outcome]} on ${dayWords(r.decidedAt)}${r.decider ? ` by ${r.decider}` : ''}: ${r.rationale}${r.nextReviewOn ? ` Next review ${dayWords(r.nextReviewOn)}.` : ''}`,
            )
            .join(' '),
    ]),
    empty: 'No beta ran this quarter.',
  };
}

// ---- Research ----

const NOTE_KIND_WORDS: Record<(typeof NOTE_KINDS)[number], [string, string]> = {
  interview: ['interview', 'interviews'],
  shadowing: ['shadowing session', 'shadowing sessions'],
  'usability-test': ['usability test', 'usability tests'],
};

export function researchSentence(report: Report): string {
  const { notes, officeHours: o } = report.research;
  const kinds = NOTE_KINDS.filter((k) => notes.byKind[k] > 0)
    .map((k) => plural(notes.byKind[k], ...NOTE_KIND_WORDS[k]))
    .join(', ');
  const research =
    notes.total === 0
      ? 'No research note was recorded this quarter.'
      : `${plural(notes.total, 'research note')} this quarter (${kinds}).`;
  const s = o.solved;
  const solved =
    s.value === null || !s.interval
      ? ''
      : `; ${Math.round(s.value)}% solved on the spot (95% interval ${Math.round(s.interval.low)}% to ${Math.round(s.interval.high)}%), ${plural(o.feedbackFiled, 'filed as feedback', 'filed as feedback')}, ${plural(o.docsGaps, 'docs gap')}`;
  const hours =
    o.sessions === 0
      ? 'No office hours were held.'
      : `${plural(o.sessions, 'office-hours session')}, ${plural(o.topics, 'topic')} brought${solved}.`;
  return `${research} ${hours}`;
}

export function frictionTable(report: Report): ReportTable {
  return {
    caption: 'Where developers get stuck: the top friction points',
    columns: [
      { label: 'Workflow' },
      { label: 'Step' },
      { label: 'Capability' },
      { label: 'Times found', numeric: true },
      { label: 'Mean severity (1–3)', numeric: true },
      { label: 'Minutes lost', numeric: true },
      { label: 'Follow-up' },
    ],
    rows: report.research.topFrictions.map((f) => [
      f.workflow,
      f.step,
      capabilityCell(f.capability),
      String(f.occurrences),
      f.meanSeverity.toFixed(1),
      String(Math.round(f.minutesLost)),
      f.links.length === 0
        ? 'None yet'
        : f.links
            .map((l) => `${l.kind === 'feedback' ? 'Feedback' : 'Roadmap'}: ${l.title}`)
            .join('; '),
    ]),
    empty: 'No friction point was recorded this quarter.',
    note: 'Ranked by how often each was found times how badly it hurt (severity 1 to 3).',
  };
}

export function officeHoursTable(report: Report): ReportTable {
  return {
    caption: 'Office hours: what teams brought most',
    columns: [
      { label: 'Capability' },
      { label: 'Topics', numeric: true },
      { label: 'Solved on the spot', numeric: true },
      { label: 'Docs gaps', numeric: true },
    ],
    rows: report.research.officeHours.topCapabilities.map((c) => [
      capabilityCell(c.capability),
      String(c.topics),
      c.solved.value === null
        ? '–'
        : `${Math.round(c.solved.value)}% (${c.solved.count} of ${c.solved.n})`,
      String(c.docsGaps),
    ]),
    empty: 'No office-hours topic named a capability this quarter.',
  };
}
