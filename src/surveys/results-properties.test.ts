import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { setSetting } from '../core/settings.ts';
import { disclosureProblems, type ShownCut } from './anonymity-testing.ts';
import { HOURS_KEYS } from './model.ts';
import {
  type CutResults,
  DIMENSIONS,
  type Figure,
  surveyHeadline,
  surveyResults,
} from './results.ts';
import { ROOT } from './results-cuts.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from './service.ts';
import { capabilityFor, seedSurveyOrg } from './testing.ts';

const LEVELS = ['Junior', 'Senior', 'Staff', 'Principal'];
const STARTS = ['2026-06-01', '2024-05-01', '2022-03-01', '2012-01-01'];

/** A random organisation: teams (each parent earlier in the list), people and their answers. */
const orgArb = fc.record({
  teams: fc.array(
    fc.record({
      parent: fc.option(fc.nat(5), { nil: null, freq: 3 }),
      people: fc.integer({ min: 0, max: 9 }),
      levels: fc.subarray(LEVELS, { minLength: 0 }),
      starts: fc.subarray(STARTS, { minLength: 0 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  k: fc.integer({ min: 3, max: 5 }),
  kComment: fc.integer({ min: 3, max: 8 }),
  answers: fc.array(
    fc.record({
      answers: fc.boolean(),
      nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      load: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      hours: fc.option(fc.constantFrom(...HOURS_KEYS), { nil: undefined }),
      comment: fc.boolean(),
      csat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    }),
    { minLength: 60, maxLength: 60 },
  ),
});

const count = (f: Figure<object>): ShownCut['status'] => f.status;
const nOf = (f: Figure<{ n: number }>) => (f.status === 'shown' ? f.n : null);

/** The cuts of one figure of the results as the checker reads them. */
function figureCuts(
  cuts: CutResults[],
  pick: (c: CutResults) => Figure<{ n: number }>,
): ShownCut[] {
  return cuts.map((c) => ({
    key: c.key,
    parent: c.parent,
    status: count(pick(c)),
    n: nOf(pick(c)),
  }));
}

let run = 0;

describeEngines('survey results over random organisations', (handle) => {
  it('never shows, in any cut of any dimension, a group under k (comments: k_comment), directly or by difference; everyone read alone is the same', async () => {
    const runs = handle().engine === 'sqlite' ? 14 : 6;
    await fc.assert(
      fc.asyncProperty(orgArb, async (spec) => {
        const people = spec.teams.reduce((s, t) => s + t.people, 0);
        fc.pre(people >= Math.max(spec.k, spec.kComment));
        const prefix = `r${++run}`;
        const slugs = spec.teams.map((_, i) => `${prefix}-t${i}`);
        const org = await seedSurveyOrg(
          handle(),
          spec.teams.map((t, i) => ({
            slug: slugs[i]!,
            ...(t.parent !== null && t.parent < i ? { parent: slugs[t.parent] } : {}),
            people: t.people,
            levels: t.levels,
            starts: t.starts,
          })),
        );
        const db = handle().db;
        await setSetting(db, anonymityK, spec.k);
        await setSetting(db, anonymityKComment, spec.kComment);
        const roots = spec.teams
          .map((t, i) => (t.parent !== null && t.parent < i ? null : org.teams[slugs[i]!]!))
          .filter((id): id is string => id !== null);
        const capability = `${prefix}-cap`;
        await capabilityFor(
          db,
          capability,
          Object.values(org.teams).filter((_, i) => i % 2 === 0),
        );
        const draft = await createSurvey(db, org.platform, {
          title: prefix,
          period: '2026-Q4',
          audience: 'teams',
          teamIds: roots,
        });
        const survey = await openSurvey(org.deps, org.platform, draft.id);
        for (const [i, person] of org.all.entries()) {
          const a = spec.answers[i % spec.answers.length]!;
          if (!a.answers) continue;
          const mine = await db
            .selectFrom('adoption_events as e')
            .innerJoin('capabilities as c', 'c.id', 'e.capability_id')
            .select('e.team_id')
            .where('c.slug', '=', capability)
            .where('e.team_id', '=', person.teamId!)
            .executeTakeFirst();
          const answers = {
            ...(a.nps !== undefined ? { nps: a.nps } : {}),
            ...(a.load !== undefined ? { cognitiveLoad: a.load } : {}),
            ...(a.hours !== undefined ? { hoursLost: a.hours } : {}),
            ...(a.comment ? { comment: `comment ${i}` } : {}),
            ...(mine && a.csat !== undefined
              ? { capabilities: { [capability]: { csat: a.csat } } }
              : {}),
          };
          if (Object.keys(answers).length === 0) continue;
          await submitResponse(org.deps, person, survey.id, answers);
        }
        await closeSurvey(org.deps, org.platform, survey.id);

        // Every stored cell has at least k respondents (unless all of them are fewer).
        const cells = await db
          .selectFrom('survey_responses')
          .select((eb) => [
            'team_id',
            'tenure_band',
            'level_band',
            eb.fn.countAll<number>().as('n'),
          ])
          .where('survey_id', '=', survey.id)
          .groupBy(['team_id', 'tenure_band', 'level_band'])
          .execute();
        const total = cells.reduce((s, c) => s + Number(c.n), 0);
        if (total >= spec.k)
          for (const c of cells) expect(Number(c.n)).toBeGreaterThanOrEqual(spec.k);

        const headline = await surveyHeadline(db, survey.id);
        for (const by of DIMENSIONS) {
          const results = await surveyResults(db, survey.id, by);
          // Everyone's figures read alone are the Everyone cut of every dimension.
          const everyone = results.cuts.find((c) => c.key === ROOT)!;
          expect(headline, `headline against by ${by}`).toEqual({
            survey: results.survey,
            k: results.k,
            kComment: results.kComment,
            respondents: results.respondents,
            invited: results.invited,
            change: results.change,
            everyone: {
              status: everyone.status,
              respondents: everyone.respondents,
              nps: everyone.nps,
              comments: everyone.comments,
              responseRate: everyone.responseRate,
            },
          });
          const problems = [
            ...disclosureProblems(
              results.cuts.map((c) => ({
                key: c.key,
                parent: c.parent,
                status: c.status,
                n: c.respondents,
              })),
              spec.k,
            ).map((p) => `respondents: ${p}`),
            ...disclosureProblems(
              figureCuts(results.cuts, (c) => c.nps),
              spec.k,
            ).map((p) => `nps: ${p}`),
            ...disclosureProblems(
              figureCuts(results.cuts, (c) => c.cognitiveLoad),
              spec.k,
            ).map((p) => `load: ${p}`),
            ...disclosureProblems(
              figureCuts(results.cuts, (c) => c.hoursLost),
              spec.k,
            ).map((p) => `hours: ${p}`),
            ...disclosureProblems(
              figureCuts(results.cuts, (c) => c.capabilities[0]?.csat ?? { status: 'empty' }),
              spec.k,
            ).map((p) => `csat: ${p}`),
            ...disclosureProblems(
              results.cuts.map((c) => ({
                key: c.key,
                parent: c.parent,
                status: c.comments.status,
                n: c.comments.status === 'shown' ? c.respondents : null,
              })),
              spec.kComment,
            ).map((p) => `comments: ${p}`),
          ];
          expect(problems, `by ${by}`).toEqual([]);
          for (const c of results.cuts) {
            if (c.comments.status === 'shown')
              expect(c.respondents!).toBeGreaterThanOrEqual(spec.kComment);
            if (c.status !== 'shown') {
              for (const f of [c.nps, c.cognitiveLoad, c.hoursLost, c.comments])
                expect(f.status).not.toBe('shown');
            }
          }
        }
      }),
      { numRuns: runs },
    );
  }, 600_000);
});
