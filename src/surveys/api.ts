import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { getTeamBySlug, listTeams } from '../org/store.ts';
import { registerPulsesApi } from './api-pulses.ts';
import {
  DimensionSchema,
  FormSchema,
  IdParam,
  NewSurveySchema,
  ProgressSchema,
  presentForm,
  presentResults,
  presentSurvey,
  ResponseSchema,
  ResultsSchema,
  type Slugs,
  SurveyDetailSchema,
  SurveyPatchSchema,
  SurveySchema,
  SurveyStateSchema,
  slugMap,
} from './api-schemas.ts';
import { actorOf, ctxOf } from './api-support.ts';
import type { Answers } from './model.ts';
import { HIDDEN_TEXT, surveyResults } from './results.ts';
import { resultsCsv } from './results-csv.ts';
import {
  closeSurvey,
  createSurvey,
  deleteSurvey,
  editSurvey,
  listSurveysFor,
  openSurvey,
  remindNonRespondents,
  submitResponse,
  surveyForm,
  surveyProgress,
  visibleSurvey,
} from './service.ts';

const TAGS = ['Surveys'];

async function teamSlugs(db: Db): Promise<Slugs> {
  return slugMap(await listTeams(db, { includeInactive: true }));
}

/** Team slugs from a request body as ids; an unknown team is bad input on `teams.i`. */
async function teamIds(db: Db, slugs: string[] | undefined): Promise<string[] | undefined> {
  if (slugs === undefined) return undefined;
  const ids: string[] = [];
  for (const [i, slug] of slugs.entries()) {
    const team = await getTeamBySlug(db, slug);
    if (!team || team.inactiveSince) {
      throw InvalidInput.field(
        `teams.${i}`,
        `There is no team "${slug}"; use a team’s slug, like payments.`,
      );
    }
    ids.push(team.id);
  }
  return ids;
}

const StatesQuery = z
  .string()
  .max(100)
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    const states = s.split(',').map((x) => x.trim());
    for (const state of states) {
      if (!SurveyStateSchema.safeParse(state).success) {
        ctx.addIssue({ code: 'custom', message: 'Use draft, open or closed, separated by commas' });
        return z.NEVER;
      }
    }
    return states as Array<z.infer<typeof SurveyStateSchema>>;
  })
  .openapi({ type: 'string', description: 'draft, open or closed; several with commas' });

/** The surveys area's JSON routes: campaigns, answers, results, export; and pulses. */
export function registerSurveysApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys',
      tags: TAGS,
      middleware: [policy('survey.read')] as const,
      summary: 'Surveys, newest period first (drafts only for the platform team)',
      request: { query: PageQuery.extend({ state: StatesQuery }) },
      responses: { 200: json(pageOf(SurveySchema), 'Surveys'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { state, limit, cursor } = c.req.valid('query');
      const page = await listSurveysFor(db, actorOf(c), { states: state, limit, cursor });
      const slugs = await teamSlugs(db);
      return c.json(
        { items: page.items.map((s) => presentSurvey(s, slugs)), nextCursor: page.nextCursor },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/surveys',
      tags: TAGS,
      middleware: [policy('survey.manage')] as const,
      summary: 'Create a draft survey from the fixed catalog, with optional custom questions',
      description:
        'The audience is everyone or chosen teams (with their sub-teams) and must reach k_comment people when it opens. Custom questions are marked not comparable across periods and obey the same thresholds.',
      request: { body: { ...json(NewSurveySchema, 'The survey'), required: true } },
      responses: { 201: json(SurveySchema, 'The draft'), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const survey = await createSurvey(db, ctxOf(c), {
        title: input.title,
        period: input.period,
        audience: input.audience,
        teamIds: await teamIds(db, input.teams),
        opensOn: input.opensOn ?? null,
        closesOn: input.closesOn ?? null,
        questions: input.questions,
      });
      return c.json(presentSurvey(survey, await teamSlugs(db)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/{id}',
      tags: TAGS,
      middleware: [policy('survey.read')] as const,
      summary: 'One survey, and whether you answered it (never what)',
      request: { params: IdParam },
      responses: { 200: json(SurveyDetailSchema, 'The survey'), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const form = await surveyForm(deps, actorOf(c), c.req.valid('param').id);
      return c.json(
        {
          ...presentSurvey(form.survey, await teamSlugs(db)),
          answered: form.answered,
          youAreInvited: form.invited,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/surveys/{id}',
      tags: TAGS,
      middleware: [policy('survey.manage')] as const,
      summary: 'Change a draft (an open or closed survey cannot change)',
      request: {
        params: IdParam,
        body: { ...json(SurveyPatchSchema, 'What to change'), required: true },
      },
      responses: {
        200: json(SurveySchema, 'The draft'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const survey = await editSurvey(db, ctxOf(c), c.req.valid('param').id, {
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.period !== undefined ? { period: input.period } : {}),
        ...(input.audience !== undefined ? { audience: input.audience } : {}),
        ...(input.teams !== undefined ? { teamIds: await teamIds(db, input.teams) } : {}),
        ...(input.opensOn !== undefined ? { opensOn: input.opensOn } : {}),
        ...(input.closesOn !== undefined ? { closesOn: input.closesOn } : {}),
        ...(input.questions !== undefined ? { questions: input.questions } : {}),
      });
      return c.json(presentSurvey(survey, await teamSlugs(db)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/surveys/{id}',
      tags: TAGS,
      middleware: [policy('survey.manage')] as const,
      summary: 'Delete a draft',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      await deleteSurvey(db, ctxOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  for (const action of ['open', 'close'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/surveys/{id}/${action}`,
        tags: TAGS,
        middleware: [policy('survey.manage')] as const,
        summary:
          action === 'open'
            ? 'Open a draft: fixes the anonymity thresholds and the audience, and sends invitations'
            : 'Close an open survey: coarsens small groups, keeps counts for response rates, deletes who answered; never reopens',
        request: { params: IdParam },
        responses: {
          200: json(SurveySchema, 'The survey'),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const id = c.req.valid('param').id;
        const survey =
          action === 'open'
            ? await openSurvey(deps, ctxOf(c), id)
            : await closeSurvey(deps, ctxOf(c), id);
        return c.json(presentSurvey(survey, await teamSlugs(db)), 200);
      },
    );
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/surveys/{id}/remind',
      tags: TAGS,
      middleware: [policy('survey.manage')] as const,
      summary: 'Email a reminder to everyone invited who has not answered (at most daily)',
      request: { params: IdParam },
      responses: {
        200: json(z.object({ sent: z.number().int() }), 'How many reminders went out'),
        ...problemResponses(401, 403, 404, 409),
      },
    }),
    async (c) => c.json(await remindNonRespondents(deps, ctxOf(c), c.req.valid('param').id), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/{id}/progress',
      tags: TAGS,
      middleware: [policy('survey.manage')] as const,
      summary: 'How many have not answered, per team with at least k invitees (never who or when)',
      request: { params: IdParam },
      responses: { 200: json(ProgressSchema, 'Progress'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const progress = await surveyProgress(deps, ctxOf(c), c.req.valid('param').id);
      const slugs = await teamSlugs(db);
      return c.json(
        {
          invited: progress.invited,
          answered: progress.answered,
          teams: progress.teams
            .map((t) => ({
              team: slugs.get(t.teamId) ?? t.teamId,
              invited: t.invited,
              notAnswered: t.notAnswered,
            }))
            .sort((a, b) => a.team.localeCompare(b.team)),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/{id}/form',
      tags: TAGS,
      middleware: [policy('survey.answer')] as const,
      summary: 'What you are asked: the catalog, your team’s capabilities and the custom questions',
      request: { params: IdParam },
      responses: { 200: json(FormSchema, 'The form'), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const form = await surveyForm(deps, actorOf(c), c.req.valid('param').id);
      return c.json(presentForm(form, await teamSlugs(db)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/surveys/{id}/responses',
      tags: TAGS,
      middleware: [policy('survey.answer')] as const,
      summary: 'Answer a survey, once and anonymously',
      description:
        'Every part is optional, but at least one must be answered. A second answer is 409. Answers are stored without your name, each part apart; this request is logged without who sent it or what it held.',
      request: {
        params: IdParam,
        body: { ...json(ResponseSchema, 'Your answers'), required: true },
      },
      responses: {
        201: json(z.object({ answered: z.literal(true) }), 'Stored; you cannot see or change it'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { answers } = c.req.valid('json');
      await submitResponse(deps, actorOf(c), c.req.valid('param').id, stripNulls(answers));
      return c.json({ answered: true as const }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/{id}/results',
      tags: TAGS,
      middleware: [policy('survey.results')] as const,
      summary: 'A closed survey’s results, cut by team, tenure band or level band',
      description: `Every cut obeys k, k_comment, the remainder and the complementary rules. A hidden figure has status "hidden" and no numbers: "${HIDDEN_TEXT}"`,
      request: { params: IdParam, query: z.object({ by: DimensionSchema }) },
      responses: { 200: json(ResultsSchema, 'Results'), ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      await visibleSurvey(db, actorOf(c), id);
      const results = await surveyResults(db, id, c.req.valid('query').by);
      return c.json(presentResults(results, await teamSlugs(db), HIDDEN_TEXT), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/{id}/export.csv',
      tags: TAGS,
      middleware: [policy('survey.results')] as const,
      summary: 'A closed survey’s results as CSV, through the same anonymity rules',
      request: { params: IdParam, query: z.object({ by: DimensionSchema }) },
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        ...problemResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const survey = await visibleSurvey(db, actorOf(c), id);
      const by = c.req.valid('query').by;
      const csv = resultsCsv(await surveyResults(db, id, by));
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="survey-${survey.period}-by-${by}.csv"`,
      });
    },
  );

  registerPulsesApi(api, deps);
}

/** Drops null parts (a client's way of saying "not answered"). */
function stripNulls(answers: z.infer<typeof ResponseSchema>['answers']): Answers {
  const out: Answers = {};
  if (answers.nps != null) out.nps = answers.nps;
  if (answers.comment != null) out.comment = answers.comment;
  if (answers.fix != null) out.fix = answers.fix;
  if (answers.cognitiveLoad != null) out.cognitiveLoad = answers.cognitiveLoad;
  if (answers.hoursLost != null) out.hoursLost = answers.hoursLost;
  if (answers.capabilities) {
    out.capabilities = Object.fromEntries(
      Object.entries(answers.capabilities).map(([slug, r]) => [
        slug,
        {
          ...(r.csat != null ? { csat: r.csat } : {}),
          ...(r.effort != null ? { effort: r.effort } : {}),
        },
      ]),
    );
  }
  if (answers.custom) out.custom = answers.custom;
  return out;
}
