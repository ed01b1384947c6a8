// The quarterly platform report (issue 8): one JSON document built from the
// areas' own functions — survey results through the cut engine, onboarding,
// feedback responsiveness, the changelog, roadmap and decision log — never
// re-computing a figure. The API answers it; the page, the Markdown and the
// CLI's HTML render it. Independent parts are read together.

import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { addMonths, type Period, parsePeriod, previousPeriod, quarterOf } from '../core/period.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { responsiveness } from '../feedback/figures.ts';
import { ackSlaDays } from '../feedback/settings.ts';
import { ackTimes } from '../feedback/store.ts';
import { researchHighlights } from '../research/synthesis.ts';
import { onboardingFigures } from '../signals/figures-onboarding.ts';
import { surveysIn } from '../surveys/store.ts';
import { presentMatrix } from './api-matrix.ts';
import { betasForReport } from './betas.ts';
import { presentSummary } from './betas-api-schemas.ts';
import { matrixFor } from './matrix.ts';
import {
  capabilityRefs,
  changelogIn,
  decisionsIn,
  roadmapChangesIn,
  topFeedbackIn,
  whatIsNext,
} from './report-activity.ts';
import type { Report } from './report-schema.ts';
import { surveyPart } from './report-survey.ts';

/** A quarter `YYYY-Qn`; anything else is bad input on `path`. */
export function reportQuarter(text: string, path = 'period'): Period {
  const period = parsePeriod(text, path);
  if (!period.key.includes('Q')) {
    throw InvalidInput.field(
      path,
      'Give a quarter as YYYY-Qn, such as 2026-Q4: the report is quarterly.',
    );
  }
  return period;
}

/** The last quarter that has ended by `now`: where `/report` leads. */
export function latestCompletedQuarter(now = new Date()): string {
  return previousPeriod(quarterOf(now)).key;
}

/**
 * The hires the report's time to first deploy follows: those who started in
 * the twelve months up to the quarter's last month, as of the quarter's end
 * (or now, while it runs).
 */
export function firstDeployWindow(period: Period, now: Date): { since: string; now: Date } {
  const lastMonth = addMonths(period.end.slice(0, 7), -1);
  const end = Date.parse(period.end) - 1;
  return { since: addMonths(lastMonth, -11), now: new Date(Math.min(now.getTime(), end)) };
}

function stateOf(period: Period, now: Date): Report['state'] {
  const t = now.toISOString();
  if (t >= period.end) return 'complete';
  return t < period.start ? 'not-started' : 'in-progress';
}

async function firstDeployPart(
  db: Db,
  period: Period,
  now: Date,
  k: number,
): Promise<Report['headline']['timeToFirstDeploy']> {
  const figures = await onboardingFigures(db, {
    ...firstDeployWindow(period, now),
    k,
    milestones: ['first_deploy'],
  });
  const deploy = figures.milestones[0]!;
  return {
    since: figures.since,
    asOf: figures.asOf,
    k: figures.k,
    overall: deploy.overall,
    cohorts: deploy.cohorts,
  };
}

/** The share of feedback acknowledged in time: the feedback area's figures for the quarter. */
async function feedbackPart(
  db: Db,
  period: Period,
  now: Date,
): Promise<Report['headline']['feedback']> {
  const [slaDays, records] = await Promise.all([
    getSetting(db, ackSlaDays),
    ackTimes(db, { createdBefore: period.end }),
  ]);
  return responsiveness(records, period, slaDays, now);
}

/**
 * The quarterly platform report for `YYYY-Qn`.
 * @example const report = await buildReport(db, { period: '2026-Q4' });
 */
export async function buildReport(db: Db, input: { period: string; now?: Date }): Promise<Report> {
  const period = reportQuarter(input.period);
  const now = input.now ?? new Date();
  const [capabilities, k, kComment] = await Promise.all([
    listCapabilities(db),
    getSetting(db, anonymityK),
    getSetting(db, anonymityKComment),
  ]);
  const refs = capabilityRefs(capabilities);
  const [
    survey,
    timeToFirstDeploy,
    feedback,
    topFeedback,
    changelog,
    roadmapChanges,
    decisions,
    next,
    matrix,
    betas,
    research,
  ] = await Promise.all([
    surveyPart(db, period, capabilities),
    firstDeployPart(db, period, now, k),
    feedbackPart(db, period, now),
    topFeedbackIn(db, period),
    changelogIn(db, period, refs),
    roadmapChangesIn(db, period, refs),
    decisionsIn(db, period, refs),
    whatIsNext(db, refs),
    matrixFor(db, { period: period.key, now }),
    betasForReport(db, { period, now }),
    researchHighlights(db, { period }),
  ]);
  return {
    period: period.key,
    start: period.start,
    end: period.end,
    state: stateOf(period, now),
    generatedAt: now.toISOString(),
    k,
    kComment,
    headline: { survey: survey.headline, timeToFirstDeploy, feedback },
    matrix: presentMatrix(matrix),
    developersSaid: { themes: survey.themes, topFeedback },
    whatWeDid: { changelog, roadmapChanges, decisions },
    betas: betas.map(presentSummary),
    research: {
      notes: research.notes,
      topFrictions: research.topFrictions,
      officeHours: research.officeHours,
    },
    next,
  };
}

/** One quarter in the list of reports. */
export interface ReportQuarter {
  period: string;
  state: Report['state'];
  /** The closed survey of the quarter, if any. */
  survey: string | null;
}

/** The quarters a reader can open, newest first: this one (running) and the eight before it. */
export async function reportQuarters(db: Db, now = new Date()): Promise<ReportQuarter[]> {
  const closed = await surveysIn(db, ['closed']);
  const titles = new Map<string, string>();
  for (const s of closed.sort((a, b) => ((a.closedAt ?? '') < (b.closedAt ?? '') ? -1 : 1))) {
    titles.set(s.period, s.title);
  }
  const out: ReportQuarter[] = [];
  let period = quarterOf(now);
  for (let i = 0; i < 9; i++) {
    out.push({
      period: period.key,
      state: stateOf(period, now),
      survey: titles.get(period.key) ?? null,
    });
    period = previousPeriod(period);
  }
  return out;
}
