// A closed survey's results, cut by one dimension at a time, through the
// anonymity rules: every figure of every cut is decided by core/privacy.ts's
// decideCuts (k for figures, k_comment for comments). Hidden cuts say only
// that they are hidden — never their count, nor which rule hid them.

import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { parsePeriod, previousPeriod } from '../core/period.ts';
import { type CutNode, type CutVerdict, decideCuts } from '../core/privacy.ts';
import {
  type HoursLost,
  hoursLost,
  mean,
  type Nps,
  type NpsChange,
  nps,
  npsChange,
  type Proportion,
  type Rate,
  rate,
  topBox,
} from '../core/stats.ts';
import { listTeams } from '../org/store.ts';
import { ANSWER_KEYS, type CustomKind, HOURS_BUCKETS, QUESTIONS, type Survey } from './model.ts';
import {
  type Cut,
  type CutSpace,
  countByCut,
  cutSpace,
  type Dimension,
  ROOT,
  rowsByCut,
} from './results-cuts.ts';
import {
  answerRows,
  answerValues,
  closedSurveyFor,
  commentRows,
  getSurvey,
  ratingRows,
  responseCells,
  teamCounts,
} from './store.ts';

export { DIMENSIONS, type Dimension } from './results-cuts.ts';

/** The words every output uses where a rule hides a figure (shared/UX.md). */
export const HIDDEN_TEXT =
  'Not shown to keep answers anonymous — too few answers here, or showing it would reveal a smaller group’s answers.';

/** A figure that may be shown, or why not: no answers at all, or hidden by the anonymity rules. */
export type Shown<T> = { status: 'shown' } & T;
export type Withheld = { status: 'empty' | 'hidden' };
export type Figure<T> = Shown<T> | Withheld;

export type TopBox = Proportion & { mean: number | null };

export interface CapabilityFigures {
  capabilityId: string;
  slug: string;
  name: string;
  /** CSAT top-2-box (4–5 of 5), with the mean labelled as a mean. */
  csat: Figure<TopBox>;
  /** CES: share answering 5–7 of 7. */
  effort: Figure<TopBox>;
}

export interface CustomFigures {
  questionId: string;
  prompt: string;
  kind: CustomKind;
  /** Custom questions are never compared across periods. */
  comparable: false;
  /** For ratings: top-2-box (4–5 of 5) with the mean. Text answers are among the comments. */
  rating: Figure<TopBox> | null;
}

export interface CommentItem {
  /** `comment`, `fix` or `custom:<question id>`. */
  question: string;
  prompt: string;
  body: string;
}

/** Everything shown for one cut. */
export interface CutResults extends Cut {
  /** Whether the cut itself (its respondents) may be shown. */
  status: CutVerdict;
  respondents: number | null;
  nps: Figure<Nps>;
  /** High cognitive load: share answering 4–5 of 5 (lower is better). */
  cognitiveLoad: Figure<TopBox>;
  hoursLost: Figure<HoursLost>;
  capabilities: CapabilityFigures[];
  custom: CustomFigures[];
  comments: Figure<{ items: CommentItem[] }>;
  /** Team cuts and everyone: responses / invitations, when at least k were invited. */
  responseRate: Rate | null;
}

export interface SurveyResults {
  survey: Survey;
  by: Dimension;
  k: number;
  kComment: number;
  respondents: number;
  invited: number;
  /** NPS change against the previous period's closed survey, when both may be shown. */
  change: {
    previousSurveyId: string;
    previousPeriod: string;
    previous: Nps;
    change: NpsChange;
  } | null;
  cuts: CutResults[];
}

const withheld = (status: CutVerdict): Withheld => ({
  status: status === 'empty' ? 'empty' : 'hidden',
});

function figure<T>(verdict: CutVerdict | undefined, value: () => T): Figure<T> {
  if (verdict === 'shown') return { status: 'shown', ...value() };
  return withheld(verdict ?? 'empty');
}

function topBoxWithMean(values: number[], atLeast: number): TopBox {
  return { ...topBox(values, atLeast), mean: mean(values) };
}

const HOURS_MIDPOINTS: readonly number[] = HOURS_BUCKETS.map((b) => b.midpoint);

/** A cut as listed before its figures are worked out: its place and its verdict. */
export type ListedCut = Cut & { status: CutVerdict };

/** Which cuts a reader needs figures for (a page shows a few of many). */
export interface ResultsScope {
  /**
   * Given every cut listed, in display order with its verdict (decided over
   * all of them, so a scope never changes what is hidden), the keys of the
   * cuts to work figures out for. Only those are in `cuts`; Everyone always is.
   */
  pick?: (cuts: readonly ListedCut[]) => Iterable<string>;
}

/**
 * Results of a closed survey cut by team, tenure band or level band. Only
 * closed surveys have results (a 409 otherwise). Without a scope, every cut.
 */
export async function surveyResults(
  db: Db,
  id: string,
  by: Dimension,
  scope: ResultsScope = {},
): Promise<SurveyResults> {
  const survey = await closedSurvey(db, id);
  const k = survey.k ?? 5;
  const kComment = survey.kComment ?? 10;
  const [cells, answers, ratings, comments, teams, counts, capabilities] = await Promise.all([
    responseCells(db, id),
    answerRows(db, id),
    ratingRows(db, id),
    commentRows(db, id),
    listTeams(db, { includeInactive: true }),
    teamCounts(db, id),
    listCapabilities(db),
  ]);
  const space = cutSpace(
    by,
    cells,
    teams,
    counts.map((c) => c.teamId),
  );

  // Respondents per cut, from the cells counted at close.
  const respondentCounts = new Map<string, number>();
  for (const cell of cells) {
    for (const key of space.pathOf(cell)) {
      respondentCounts.set(key, (respondentCounts.get(key) ?? 0) + cell.n);
    }
  }
  const respondentsOf = (key: string) => respondentCounts.get(key) ?? 0;
  const cutVerdicts = decideCuts(space.tree(respondentsOf), k);
  // A team whose few answers were merged into its parent has answers, not none.
  const responded = subtreeCounts(space, counts);
  // A team with answers merged into its parent (or too few invitees to tell) is hidden, not empty.
  for (const cut of space.cuts) {
    const counted = responded.get(cut.key);
    if (
      cut.kind === 'team' &&
      cutVerdicts.get(cut.key) === 'empty' &&
      counted &&
      (counted.responded > 0 || (counted.invited > 0 && counted.invited < k))
    ) {
      cutVerdicts.set(cut.key, 'hidden');
    }
  }
  const hiddenCuts = new Set(
    [...cutVerdicts].filter(([, v]) => v === 'hidden').map(([key]) => key),
  );
  /** A figure's own verdicts: its counts per cut, starting from the cuts already hidden. */
  const verdictsFor = <T extends { teamId: string | null }>(
    rows: readonly T[],
    include: (row: T) => boolean,
    threshold = k,
  ) => {
    const counts = countByCut(space, rows as never[], include as never);
    const verdicts = decideCuts(
      space.tree((key) => counts.get(key) ?? 0),
      threshold,
      hiddenCuts,
    );
    return verdicts;
  };

  const isQ = (q: string) => (r: { question: string }) => r.question === q;
  const npsVerdicts = verdictsFor(answers, isQ(ANSWER_KEYS.nps));
  const loadVerdicts = verdictsFor(answers, isQ(ANSWER_KEYS.cognitiveLoad));
  const hoursVerdicts = verdictsFor(answers, isQ(ANSWER_KEYS.hoursLost));
  const ratingsByCapability = new Map<string, typeof ratings>();
  for (const r of ratings) {
    const list = ratingsByCapability.get(r.capabilityId);
    if (list) list.push(r);
    else ratingsByCapability.set(r.capabilityId, [r]);
  }
  const rated = capabilities.filter((c) => ratingsByCapability.has(c.id));
  const capabilityVerdicts = rated.map((capability) => {
    const own = ratingsByCapability.get(capability.id) ?? [];
    return {
      capability,
      csat: verdictsFor(own, (r) => r.csat !== null),
      effort: verdictsFor(own, (r) => r.effort !== null),
    };
  });
  const customVerdicts = survey.questions.map((q) => ({
    question: q,
    verdicts: q.kind === 'rating' ? verdictsFor(answers, isQ(ANSWER_KEYS.custom(q.id))) : null,
  }));
  const commentVerdicts = decideCuts(space.tree(respondentsOf), kComment, hiddenCuts);
  const prompts = commentPrompts(survey);

  const within = (cutKey: string, verdicts: Map<string, CutVerdict>) =>
    withinCut(cutKey, verdicts, hiddenCuts);
  // Each cut's rows, gathered in one pass per table rather than one per cut.
  const answersByCut = rowsByCut(space, answers);
  const ratingsByCut = rowsByCut(space, ratings);
  const commentsByCut = rowsByCut(space, comments);
  const resultsOf = (cut: Cut): CutResults => {
    const cutAnswers = answersByCut.get(cut.key) ?? [];
    const values = (q: string) => cutAnswers.filter((a) => a.question === q).map((a) => a.value);
    // The cut's ratings per capability, sorted out only if a capability figure is shown.
    let byCapability: Map<string, typeof ratings> | undefined;
    const ratingsOf = (capabilityId: string) => {
      if (!byCapability) {
        byCapability = new Map();
        for (const r of ratingsByCut.get(cut.key) ?? []) {
          const list = byCapability.get(r.capabilityId);
          if (list) list.push(r);
          else byCapability.set(r.capabilityId, [r]);
        }
      }
      return byCapability.get(capabilityId) ?? [];
    };
    const status = cutVerdicts.get(cut.key) ?? 'empty';
    const rateOf = responded.get(cut.key);
    return {
      ...cut,
      status,
      respondents: status === 'shown' ? respondentsOf(cut.key) : null,
      nps: figure(within(cut.key, npsVerdicts), () => nps(values(ANSWER_KEYS.nps))),
      cognitiveLoad: figure(within(cut.key, loadVerdicts), () =>
        topBoxWithMean(values(ANSWER_KEYS.cognitiveLoad), 4),
      ),
      hoursLost: figure(within(cut.key, hoursVerdicts), () =>
        hoursLost(values(ANSWER_KEYS.hoursLost).map((i) => HOURS_MIDPOINTS[i] ?? 0)),
      ),
      capabilities: capabilityVerdicts.map(({ capability, csat, effort }) => {
        const mine = () => ratingsOf(capability.id);
        return {
          capabilityId: capability.id,
          slug: capability.slug,
          name: capability.name,
          csat: figure(within(cut.key, csat), () =>
            topBoxWithMean(
              mine().flatMap((r) => (r.csat === null ? [] : [r.csat])),
              4,
            ),
          ),
          effort: figure(within(cut.key, effort), () =>
            topBoxWithMean(
              mine().flatMap((r) => (r.effort === null ? [] : [r.effort])),
              5,
            ),
          ),
        };
      }),
      custom: customVerdicts.map(({ question, verdicts }) => ({
        questionId: question.id,
        prompt: question.prompt,
        kind: question.kind,
        comparable: false as const,
        rating: verdicts
          ? figure(within(cut.key, verdicts), () =>
              topBoxWithMean(values(ANSWER_KEYS.custom(question.id)), 4),
            )
          : null,
      })),
      comments: figure(within(cut.key, commentVerdicts), () => ({
        items: commentItems(commentsByCut.get(cut.key) ?? [], prompts),
      })),
      responseRate: responseRate(rateOf, k),
    };
  };
  // A team's own members not in a sub-team are listed only when they answered.
  const listed: ListedCut[] = space.cuts
    .map((cut) => ({ ...cut, status: cutVerdicts.get(cut.key) ?? ('empty' as const) }))
    .filter((c) => !(c.kind === 'rest' && c.status === 'empty'));
  const picked = scope.pick ? new Set([ROOT, ...scope.pick(listed)]) : null;
  const cuts = listed.flatMap(({ status: _, ...cut }) =>
    picked && !picked.has(cut.key) ? [] : [resultsOf(cut)],
  );

  const root = cuts.find((c) => c.key === ROOT)!;
  return {
    survey,
    by,
    k,
    kComment,
    respondents: survey.responded ?? 0,
    invited: survey.invited ?? 0,
    change: root.nps.status === 'shown' ? await changeSince(db, survey, root.nps) : null,
    cuts,
  };
}

/** The survey, if it exists and has closed: only closed surveys have results. */
async function closedSurvey(db: Db, id: string): Promise<Survey> {
  const survey = await getSurvey(db, id);
  if (!survey) throw new NotFound('There is no such survey.');
  if (survey.state !== 'closed') {
    throw new Conflict(
      'Results appear when the survey closes, so nobody can watch answers arrive.',
    );
  }
  return survey;
}

/** Inside a hidden cut every figure is hidden, even one with no answers. */
function withinCut(
  cutKey: string,
  verdicts: Map<string, CutVerdict>,
  hiddenCuts: ReadonlySet<string>,
): CutVerdict | undefined {
  return hiddenCuts.has(cutKey) ? 'hidden' : verdicts.get(cutKey);
}

/** The prompt each kind of comment answers. */
function commentPrompts(survey: Survey): Map<string, string> {
  return new Map<string, string>([
    [ANSWER_KEYS.comment, QUESTIONS.comment.prompt],
    [ANSWER_KEYS.fix, QUESTIONS.fix.prompt],
    ...survey.questions.map((q) => [ANSWER_KEYS.custom(q.id), q.prompt] as [string, string]),
  ]);
}

function commentItems(
  rows: readonly { question: string; body: string }[],
  prompts: Map<string, string>,
): CommentItem[] {
  return rows.map((c) => ({
    question: c.question,
    prompt: prompts.get(c.question) ?? '',
    body: c.body,
  }));
}

/** Responses / invitations, when at least k were invited. */
function responseRate(
  counts: { invited: number; responded: number } | undefined,
  k: number,
): Rate | null {
  return counts && counts.invited >= k ? rate(counts.responded, counts.invited) : null;
}

/** Everyone's part of a survey's results: what the quarterly report's headline shows. */
export interface SurveyHeadline
  extends Pick<SurveyResults, 'survey' | 'k' | 'kComment' | 'respondents' | 'invited' | 'change'> {
  everyone: Pick<CutResults, 'status' | 'respondents' | 'nps' | 'comments' | 'responseRate'>;
}

/**
 * Everyone's NPS, response rate and comments of a closed survey, and the NPS
 * change: the same figures as the Everyone cut of `surveyResults` in every
 * dimension (the cut engine never hides the whole for its parts' sake), read
 * without the rest of the answers and without deciding any other cut.
 */
export async function surveyHeadline(db: Db, id: string): Promise<SurveyHeadline> {
  const survey = await closedSurvey(db, id);
  const k = survey.k ?? 5;
  const kComment = survey.kComment ?? 10;
  const [cells, scores, comments, counts] = await Promise.all([
    responseCells(db, id),
    answerValues(db, id, ANSWER_KEYS.nps),
    commentRows(db, id),
    teamCounts(db, id),
  ]);
  const respondents = cells.reduce((sum, cell) => sum + cell.n, 0);
  const only = (n: number): CutNode => ({ key: ROOT, n });
  const status = decideCuts(only(respondents), k).get(ROOT) ?? 'empty';
  const hiddenCuts = new Set(status === 'hidden' ? [ROOT] : []);
  const verdict = (n: number, threshold = k) =>
    withinCut(ROOT, decideCuts(only(n), threshold, hiddenCuts), hiddenCuts);
  const npsFigure = figure(verdict(scores.length), () => nps(scores));
  const invited = counts.reduce((sum, c) => sum + c.invited, 0);
  const responded = counts.reduce((sum, c) => sum + (c.responded ?? 0), 0);
  return {
    survey,
    k,
    kComment,
    respondents: survey.responded ?? 0,
    invited: survey.invited ?? 0,
    change: npsFigure.status === 'shown' ? await changeSince(db, survey, npsFigure) : null,
    everyone: {
      status,
      respondents: status === 'shown' ? respondents : null,
      nps: npsFigure,
      comments: figure(verdict(respondents, kComment), () => ({
        items: commentItems(comments, commentPrompts(survey)),
      })),
      responseRate: counts.length > 0 ? responseRate({ invited, responded }, k) : null,
    },
  };
}

/** Invitations and responses per team cut (the team and everything below it) and for everyone. */
function subtreeCounts(
  space: CutSpace,
  counts: Array<{ teamId: string; invited: number; responded: number | null }>,
): Map<string, { invited: number; responded: number }> {
  const out = new Map<string, { invited: number; responded: number }>();
  const isTeamSpace = space.cuts.some((c) => c.kind === 'team');
  for (const c of counts) {
    const keys = isTeamSpace
      ? space
          .pathOf({ teamId: c.teamId, tenureBand: null, levelBand: null })
          .filter((k) => !k.startsWith('rest:'))
      : [ROOT];
    for (const key of keys) {
      const entry = out.get(key) ?? { invited: 0, responded: 0 };
      entry.invited += c.invited;
      entry.responded += c.responded ?? 0;
      out.set(key, entry);
    }
  }
  return out;
}

/** The change in NPS since the previous period's closed survey, when its NPS may be shown too. */
async function changeSince(db: Db, survey: Survey, current: Nps): Promise<SurveyResults['change']> {
  let previousKey: string;
  try {
    previousKey = previousPeriod(parsePeriod(survey.period)).key;
  } catch {
    return null;
  }
  const previous = await closedSurveyFor(db, previousKey);
  if (!previous) return null;
  const before = nps(await answerValues(db, previous.id, ANSWER_KEYS.nps));
  if (before.n < (previous.k ?? 5)) return null;
  return {
    previousSurveyId: previous.id,
    previousPeriod: previous.period,
    previous: before,
    change: npsChange(current, before),
  };
}
