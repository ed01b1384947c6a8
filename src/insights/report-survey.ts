// The report's survey part: the quarter's closed survey's figures for
// everyone (NPS, its change, the response rate) and the comments they show,
// from the surveys area's own `surveyHeadline` (the Everyone cut of its
// results, read without deciding every other cut).

import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import { surveyHeadline } from '../surveys/results.ts';
import { closedSurveyFor } from '../surveys/store.ts';
import type { Report } from './report-schema.ts';
import { commentThemes } from './report-themes.ts';

/** The survey headline and the comment themes, from the quarter's closed survey's results. */
export async function surveyPart(
  db: Db,
  period: Period,
  capabilities: { slug: string; name: string }[],
): Promise<{
  headline: Report['headline']['survey'];
  themes: Report['developersSaid']['themes'];
}> {
  const survey = await closedSurveyFor(db, period.key);
  if (!survey) {
    return {
      headline: null,
      themes: { status: 'no-survey', comments: null, capabilities: [], terms: [] },
    };
  }
  const results = await surveyHeadline(db, survey.id);
  const { everyone } = results;
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
