// The report's survey part: the quarter's closed survey's figures for
// everyone (NPS, its change, the response rate) and the comments they show,
// from the surveys area's own results. A closed survey never reopens and
// keeps its thresholds, so these figures never change once it has closed:
// each instance keeps the last few it computed rather than deciding every cut
// of a large survey again for every reader.

import type { Db } from '../core/db/index.ts';
import { type Period, previousPeriod } from '../core/period.ts';
import { type SurveyResults, surveyResults } from '../surveys/results.ts';
import { ROOT } from '../surveys/results-cuts.ts';
import { closedSurveyFor } from '../surveys/store.ts';
import type { Report } from './report-schema.ts';
import { commentThemes } from './report-themes.ts';

type Everyone = SurveyResults['cuts'][number];

interface ClosedFigures {
  results: Pick<SurveyResults, 'respondents' | 'invited' | 'k' | 'kComment' | 'change'>;
  everyone: Pick<Everyone, 'nps' | 'responseRate' | 'comments'>;
}

/** How many closed surveys' figures an instance keeps. */
const KEPT = 16;
const kept = new Map<string, Promise<ClosedFigures>>();

async function closedFigures(db: Db, surveyId: string): Promise<ClosedFigures> {
  // Everyone's figures are the same in every dimension; level has the fewest cuts to decide.
  const results = await surveyResults(db, surveyId, 'level');
  const everyone = results.cuts.find((c) => c.key === ROOT)!;
  return {
    results: {
      respondents: results.respondents,
      invited: results.invited,
      k: results.k,
      kComment: results.kComment,
      change: results.change,
    },
    everyone: {
      nps: everyone.nps,
      responseRate: everyone.responseRate,
      comments: everyone.comments,
    },
  };
}

/**
 * The figures of a closed survey, computed once per instance. The key holds
 * the previous quarter's closed survey too, since the change is measured
 * against it and it could close later.
 */
function keptFigures(db: Db, key: string, surveyId: string): Promise<ClosedFigures> {
  const hit = kept.get(key);
  if (hit) {
    kept.delete(key);
    kept.set(key, hit);
    return hit;
  }
  const computing = closedFigures(db, surveyId);
  kept.set(key, computing);
  // A failure is not kept: the next reader tries again.
  computing.catch(() => kept.delete(key));
  while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return computing;
}

/** The survey headline and the comment themes, from the quarter's closed survey's results. */
export async function surveyPart(
  db: Db,
  period: Period,
  capabilities: { slug: string; name: string }[],
): Promise<{
  headline: Report['headline']['survey'];
  themes: Report['developersSaid']['themes'];
}> {
  const [survey, before] = await Promise.all([
    closedSurveyFor(db, period.key),
    closedSurveyFor(db, previousPeriod(period).key),
  ]);
  if (!survey) {
    return {
      headline: null,
      themes: { status: 'no-survey', comments: null, capabilities: [], terms: [] },
    };
  }
  const key = [survey.id, survey.closedAt, before?.id ?? '', before?.closedAt ?? ''].join('|');
  const { results, everyone } = await keptFigures(db, key, survey.id);
  const comments = everyone.comments;
  const themes: Report['developersSaid']['themes'] =
    comments.status === 'shown'
      ? {
          status: comments.items.length > 0 ? 'shown' : 'empty',
          ...commentThemes(
            comments.items.map((c) => c.body),
            capabilities,
          ),
        }
      : { status: comments.status, comments: null, capabilities: [], terms: [] };
  return {
    headline: {
      id: survey.id,
      title: survey.title,
      period: survey.period,
      respondents: results.respondents,
      invited: results.invited,
      k: results.k,
      kComment: results.kComment,
      nps: everyone.nps,
      change: results.change,
      responseRate: everyone.responseRate,
    },
    themes,
  };
}
