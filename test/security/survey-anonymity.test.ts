// The anonymity rules hold in every output, not only in the results service:
// the API (every `by`), the CSV export and `paved survey results`, over random
// organisations and answers; results never before close; pulse results never
// for the current month, and never so that two answers could be subtracted;
// and an answering run leaves no link in logs, audit rows, tokens, sessions
// or answer rows — nor, after close, anywhere, even with the secret.

import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertCapability } from '../../src/capabilities/store.ts';
import { dataTables } from '../../src/core/db/helpers.ts';
import type { Db } from '../../src/core/db/index.ts';
import { anonymityK, anonymityKComment } from '../../src/core/privacy.ts';
import { setSetting } from '../../src/core/settings.ts';
import { run } from '../../src/main.ts';
import { parseCsv } from '../../src/org/csv.ts';
import { disclosureProblems, type ShownCut } from '../../src/surveys/anonymity-testing.ts';
import { HOURS_KEYS } from '../../src/surveys/model.ts';
import { DIMENSIONS, type Dimension } from '../../src/surveys/results.ts';
import { pulseResults } from '../../src/surveys/results-pulses.ts';
import {
  closeSurvey,
  createSurvey,
  openSurvey,
  PARTICIPATION,
  submitResponse,
} from '../../src/surveys/service.ts';
import { ANONYMOUS_TABLES, insertPulse } from '../../src/surveys/store.ts';
import { capabilityFor, seedSurveyOrg } from '../../src/surveys/testing.ts';
import { captureIo, signIn, startTestServer, type TestUser, testApp, testSecret } from '../app.ts';
import { describeEngines, type TestDb } from '../engines.ts';
import { memoryLogger } from './support.ts';

/** The secret the test server runs with: the same as test/app.ts's testSecret. */
const SECRET = 'paved-test-secret-0123456789abcdef';

// ---- Reading the outputs ----

type Status = 'shown' | 'empty' | 'hidden';
interface FigureJson {
  status: Status;
  note?: string;
  n?: number;
  [field: string]: unknown;
}
interface CommentJson {
  question: string;
  prompt: string;
  body: string;
}
interface CutJson {
  key: string;
  label: string;
  parent: string | null;
  depth: number;
  kind: string;
  status: Status;
  respondents: number | null;
  responseRate: { value: number | null; responded: number; invited: number } | null;
  nps: FigureJson;
  cognitiveLoad: FigureJson;
  hoursLost: FigureJson;
  capabilities: Array<{ capability: string; name: string; csat: FigureJson; effort: FigureJson }>;
  comments: FigureJson & { items?: CommentJson[] };
}
interface ResultsJson {
  k: number;
  kComment: number;
  by: Dimension;
  respondents: number;
  cuts: CutJson[];
}

/** One figure's view of every cut of an output: what a reader sees of it. */
interface FigureView {
  name: string;
  threshold: number;
  cuts: ShownCut[];
}

/** The figures of the API's results, each as the cuts a reader sees. */
function apiViews(r: ResultsJson, slugs: string[]): FigureView[] {
  const of = (name: string, pick: (c: CutJson) => FigureJson, threshold = r.k): FigureView => ({
    name,
    threshold,
    cuts: r.cuts.map((c) => {
      const f = pick(c);
      return {
        key: c.key,
        parent: c.parent,
        status: f.status,
        n: f.status === 'shown' ? (f.n ?? null) : null,
      };
    }),
  });
  return [
    {
      name: 'respondents',
      threshold: r.k,
      cuts: r.cuts.map((c) => ({
        key: c.key,
        parent: c.parent,
        status: c.status,
        n: c.status === 'shown' ? c.respondents : null,
      })),
    },
    of('nps', (c) => c.nps),
    of('cognitive-load', (c) => c.cognitiveLoad),
    of('hours-lost', (c) => c.hoursLost),
    ...slugs.flatMap((slug) => [
      of(`csat ${slug}`, (c) => capabilityOf(c, slug).csat),
      of(`effort ${slug}`, (c) => capabilityOf(c, slug).effort),
    ]),
    {
      name: 'comments',
      threshold: r.kComment,
      cuts: r.cuts.map((c) => ({
        key: c.key,
        parent: c.parent,
        status: c.comments.status,
        // A comment list is as large a group as the cut's respondents.
        n: c.comments.status === 'shown' ? c.respondents : null,
      })),
    },
  ];
}

const EMPTY: FigureJson = { status: 'empty' };
function capabilityOf(c: CutJson, slug: string) {
  return c.capabilities.find((x) => x.capability === slug) ?? { csat: EMPTY, effort: EMPTY };
}

/** The CSV export read back as figure views, keyed like the API's cuts (labels are unique here). */
function csvViews(csv: string, api: ResultsJson, slugs: string[]) {
  const [header, ...rows] = parseCsv(csv).map((r) => r.fields);
  expect(header).toEqual([
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
  ]);
  const keyOf = new Map(api.cuts.map((c) => [c.label, c.key]));
  expect(keyOf.size).toBe(api.cuts.length);
  const byCut = new Map<string, string[][]>();
  for (const row of rows) {
    expect(row[0]).toBe(api.by);
    const key = keyOf.get(row[1]!);
    expect(key, `CSV cut ${row[1]}`).toBeDefined();
    byCut.set(key!, [...(byCut.get(key!) ?? []), row]);
  }
  const cell = (key: string, metric: string, item = '') =>
    (byCut.get(key) ?? []).filter(
      (r) => r[3] === metric && (metric === 'comment' || r[4] === item),
    );
  const view = (name: string, metric: string, item: string, threshold: number): FigureView => ({
    name,
    threshold,
    cuts: api.cuts.map((c) => {
      const found = cell(c.key, metric, item);
      if (found.length === 0) return { key: c.key, parent: c.parent, status: 'empty' as const };
      expect(found, `${name} of ${c.key} in the CSV`).toHaveLength(1);
      const [row] = found as [string[]];
      const status = row[5] as Status;
      if (status !== 'shown') {
        // Withheld figures carry no numbers at all.
        expect(
          row.slice(6, 11).every((v) => v === ''),
          `${name} of ${c.key}: ${row}`,
        ).toBe(true);
      }
      return {
        key: c.key,
        parent: c.parent,
        status,
        n: status === 'shown' ? Number(row[6]) : null,
      };
    }),
  });
  const views: FigureView[] = [
    view('respondents', 'respondents', '', api.k),
    view('nps', 'nps', '', api.k),
    view('cognitive-load', 'high-cognitive-load', '', api.k),
    view('hours-lost', 'hours-lost-median', '', api.k),
    ...slugs.flatMap((slug) => [
      view(`csat ${slug}`, 'csat', slug, api.k),
      view(`effort ${slug}`, 'effort', slug, api.k),
    ]),
  ];
  const comments = new Map<string, { status: Status; bodies: string[] }>();
  for (const c of api.cuts) {
    const found = cell(c.key, 'comment');
    const shown = found.filter((r) => r[5] === 'shown');
    comments.set(c.key, {
      status: shown.length > 0 ? 'shown' : ((found[0]?.[5] as Status | undefined) ?? 'empty'),
      bodies: shown.map((r) => r[11]!).sort(),
    });
  }
  const rates = new Map<string, number>();
  for (const c of api.cuts) {
    const found = cell(c.key, 'response-rate');
    if (found.length > 0) rates.set(c.key, Number(found[0]![6]));
  }
  return { views, comments, rates };
}

/** The groups table of `paved survey results`, one row per cut after Everyone, by column name. */
function cliGroups(text: string): Array<Record<string, string>> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Group '));
  if (start < 0) return [];
  const header = lines[start]!;
  const names = ['Group', 'Answers', 'NPS', '95% interval', 'High effort', 'Hours', 'Response'];
  // Header cells are apart by two spaces or more (a narrow one may be cut short with …).
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
  expect(starts, header).toHaveLength(names.length);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.startsWith('Not shown:')) break;
    rows.push(
      Object.fromEntries(
        names.map((n, i) => [n, line.slice(starts[i], starts[i + 1] ?? undefined).trim()]),
      ),
    );
  }
  return rows;
}

// ---- The truth, from the rows paved stored ----

interface Truth {
  /** Rows of one figure in one cut. */
  count(figure: string, key: string): number;
  comments(key: string): string[];
}

async function truthOf(db: Db, surveyId: string, by: Dimension, slugs: string[]): Promise<Truth> {
  const teams = await db.selectFrom('teams').select(['id', 'slug', 'parent_id']).execute();
  const byId = new Map(teams.map((t) => [t.id, t]));
  type Seg = { team_id: string | null; tenure_band: string | null; level_band: string | null };
  const keysOf = (s: Seg): string[] => {
    if (by === 'tenure') return ['all', `tenure:${s.tenure_band ?? 'unknown'}`];
    if (by === 'level') return ['all', `level:${s.level_band ?? 'unknown'}`];
    if (s.team_id === null || !byId.has(s.team_id)) return ['all', 'team:unknown'];
    const keys = ['all', `rest:${byId.get(s.team_id)!.slug}`];
    for (let t = byId.get(s.team_id); t; t = t.parent_id ? byId.get(t.parent_id) : undefined) {
      keys.push(`team:${t.slug}`);
    }
    return keys;
  };
  const caps = new Map(
    (
      await db
        .selectFrom('capabilities')
        .select(['id', 'slug'])
        .where('slug', 'in', slugs)
        .execute()
    ).map((c) => [c.id, c.slug]),
  );
  const counts = new Map<string, number>();
  const add = (figure: string, s: Seg) => {
    for (const key of keysOf(s))
      counts.set(`${figure} ${key}`, (counts.get(`${figure} ${key}`) ?? 0) + 1);
  };
  for (const r of await db
    .selectFrom('survey_responses')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute())
    add('respondents', r);
  for (const r of await db
    .selectFrom('survey_answers')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute())
    add(r.question, r);
  for (const r of await db
    .selectFrom('survey_ratings')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute()) {
    const slug = caps.get(r.capability_id);
    if (r.csat !== null) add(`csat ${slug}`, r);
    if (r.effort !== null) add(`effort ${slug}`, r);
  }
  const comments = new Map<string, string[]>();
  for (const r of await db
    .selectFrom('survey_comments')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute()) {
    for (const key of keysOf(r)) comments.set(key, [...(comments.get(key) ?? []), r.body]);
  }
  return {
    count: (figure, key) => counts.get(`${figure} ${key}`) ?? 0,
    comments: (key) => [...(comments.get(key) ?? [])].sort(),
  };
}

/**
 * Every way a figure view breaks the rules: a shown count that is not the
 * true one (hidden groups count in their parents), a shown group under the
 * threshold, or any group a reader can work out by subtraction.
 */
function viewProblems(view: FigureView, truth: Truth, figure: string): string[] {
  const problems: string[] = [];
  for (const c of view.cuts) {
    if (c.status !== 'shown') continue;
    const real = truth.count(figure, c.key);
    if (c.n !== real) problems.push(`${c.key} shows ${c.n} but holds ${real}`);
    if (real > 0 && real < view.threshold) problems.push(`${c.key} is shown with ${real}`);
  }
  for (const p of disclosureProblems(view.cuts, view.threshold)) problems.push(p);
  return problems.map((p) => `${view.name}: ${p}`);
}

/** Which stored rows a view reads: the figure's answers, or the respondents for comments. */
const FIGURE_ROWS: Record<string, string> = {
  respondents: 'respondents',
  nps: 'nps',
  'cognitive-load': 'cognitive-load',
  'hours-lost': 'hours-lost',
  comments: 'respondents',
};
const figureRowsOf = (name: string) => FIGURE_ROWS[name] ?? name;

// ---- Random organisations ----

const LEVELS = ['Junior', 'Senior', 'Staff'];
const STARTS = ['2026-06-01', '2024-05-01', '2019-03-01'];

const orgArb = fc.record({
  teams: fc.array(
    fc.record({
      parent: fc.option(fc.nat(6), { nil: null, freq: 3 }),
      people: fc.integer({ min: 0, max: 9 }),
      levels: fc.subarray(LEVELS),
      starts: fc.subarray(STARTS),
    }),
    { minLength: 1, maxLength: 7 },
  ),
  k: fc.integer({ min: 3, max: 5 }),
  kComment: fc.integer({ min: 3, max: 9 }),
  answers: fc.array(
    fc.record({
      answers: fc.nat(4).map((x) => x > 0),
      nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined, freq: 5 }),
      load: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      hours: fc.option(fc.constantFrom(...HOURS_KEYS), { nil: undefined }),
      comment: fc.boolean(),
      fix: fc.boolean(),
      csat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      effort: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});
type OrgSpec = typeof orgArb extends fc.Arbitrary<infer T> ? T : never;

let runNo = 0;

/** Builds the organisation, a survey of everyone answered as the spec says, and closes it. */
async function answeredSurvey(handle: TestDb, spec: OrgSpec) {
  const prefix = `s${++runNo}`;
  const slugs = spec.teams.map((_, i) => `${prefix}-t${i}`);
  const org = await seedSurveyOrg(
    handle,
    spec.teams.map((t, i) => ({
      slug: slugs[i]!,
      ...(t.parent !== null && t.parent < i ? { parent: slugs[t.parent] } : {}),
      people: t.people,
      levels: t.levels,
      starts: t.starts,
    })),
  );
  const { db } = handle;
  await setSetting(db, anonymityK, spec.k);
  await setSetting(db, anonymityKComment, spec.kComment);
  const roots = spec.teams
    .map((t, i) => (t.parent !== null && t.parent < i ? null : org.teams[slugs[i]!]!))
    .filter((id): id is string => id !== null);
  const capability = `${prefix}-cap`;
  const onIt = Object.values(org.teams).filter((_, i) => i % 2 === 0);
  await capabilityFor(db, capability, onIt);
  const draft = await createSurvey(db, org.platform, {
    title: prefix,
    period: '2026-Q3',
    audience: 'teams',
    teamIds: roots,
  });
  const survey = await openSurvey(org.deps, org.platform, draft.id);
  for (const [i, person] of org.all.entries()) {
    const a = spec.answers[i % spec.answers.length]!;
    if (!a.answers) continue;
    const rates = onIt.includes(person.teamId!) && (a.csat !== undefined || a.effort !== undefined);
    const answers = {
      ...(a.nps !== undefined ? { nps: a.nps } : {}),
      ...(a.load !== undefined ? { cognitiveLoad: a.load } : {}),
      ...(a.hours !== undefined ? { hoursLost: a.hours } : {}),
      ...(a.comment ? { comment: `comment ${prefix} ${i}` } : {}),
      ...(a.fix ? { fix: `fix ${prefix} ${i}` } : {}),
      ...(rates
        ? {
            capabilities: {
              [capability]: {
                ...(a.csat !== undefined ? { csat: a.csat } : {}),
                ...(a.effort !== undefined ? { effort: a.effort } : {}),
              },
            },
          }
        : {}),
    };
    if (Object.keys(answers).length === 0) continue;
    await submitResponse(org.deps, person, survey.id, answers);
  }
  await closeSurvey(org.deps, org.platform, survey.id);
  return { survey, capability, org };
}

describeEngines('survey anonymity in every output', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let reader: TestUser;

  beforeEach(async () => {
    server = await startTestServer(handle(), SECRET);
    reader = await signIn(handle(), 'developer');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function api(path: string) {
    return testApp(handle()).request(path, { headers: reader.bearer });
  }

  async function paved(args: string[]) {
    const io = captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: reader.token,
      HOME: '/nonexistent',
    });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  it('the API (every by), the CSV export and paved survey results never show a group under k (comments: k_comment), directly or by subtraction, and count hidden groups in their parents', async () => {
    // SURVEY_ANONYMITY_RUNS=300 probes harder (300 runs pass on SQLite in about five minutes).
    const runs = Number(
      process.env.SURVEY_ANONYMITY_RUNS ?? (handle().engine === 'sqlite' ? 25 : 8),
    );
    await fc.assert(
      fc.asyncProperty(orgArb, async (spec) => {
        const people = spec.teams.reduce((s, t) => s + t.people, 0);
        fc.pre(people >= Math.max(spec.k, spec.kComment));
        const { survey, capability } = await answeredSurvey(handle(), spec);
        for (const by of DIMENSIONS) {
          // API
          const res = await api(`/api/v1/surveys/${survey.id}/results?by=${by}`);
          expect(res.status).toBe(200);
          const results = (await res.json()) as ResultsJson;
          expect(results.k).toBe(spec.k);
          expect(results.kComment).toBe(spec.kComment);
          const truth = await truthOf(handle().db, survey.id, by, [capability]);
          const views = apiViews(results, [capability]);
          const problems = views.flatMap((v) => viewProblems(v, truth, figureRowsOf(v.name)));
          for (const c of results.cuts) {
            // A withheld figure has no numbers; a withheld cut shows no figure.
            for (const f of [c.nps, c.cognitiveLoad, c.hoursLost, c.comments]) {
              if (f.status !== 'shown') expect(Object.keys(f).sort()).toEqual(['note', 'status']);
              if (c.status !== 'shown') expect(f.status).not.toBe('shown');
            }
            if (c.status !== 'shown') expect(c.respondents).toBeNull();
            if (c.comments.status === 'shown') {
              expect(c.comments.items!.map((i) => i.body).sort()).toEqual(truth.comments(c.key));
              expect(truth.count('respondents', c.key)).toBeGreaterThanOrEqual(spec.kComment);
            }
            if (c.responseRate) expect(c.responseRate.invited).toBeGreaterThanOrEqual(spec.k);
          }
          // The root counts every respondent, hidden groups included.
          const root = results.cuts.find((c) => c.key === 'all')!;
          expect(results.respondents).toBe(truth.count('respondents', 'all'));
          if (root.status === 'shown') expect(root.respondents).toBe(results.respondents);
          expect(problems, `API by ${by}`).toEqual([]);

          // CSV export: the same figures, the same rules.
          const csvRes = await api(`/api/v1/surveys/${survey.id}/export.csv?by=${by}`);
          expect(csvRes.status).toBe(200);
          const csv = csvViews(await csvRes.text(), results, [capability]);
          for (const [i, view] of csv.views.entries()) {
            const fromApi = views.find((v) => v.name === view.name)!;
            expect(view.cuts.map(bare), `CSV ${view.name} by ${by}`).toEqual(
              fromApi.cuts.map(bare),
            );
            expect(
              viewProblems(view, truth, figureRowsOf(view.name)),
              `CSV by ${by} #${i}`,
            ).toEqual([]);
          }
          for (const c of results.cuts) {
            const mine = csv.comments.get(c.key)!;
            // Shown comments with none written leave no comment row in the CSV.
            const none = c.comments.status === 'shown' && c.comments.items!.length === 0;
            expect(mine.status, `CSV comments of ${c.key}`).toBe(
              none ? 'empty' : c.comments.status,
            );
            expect(mine.bodies).toEqual(
              c.comments.status === 'shown' ? c.comments.items!.map((i) => i.body).sort() : [],
            );
            if (csv.rates.has(c.key)) expect(csv.rates.get(c.key)!).toBeGreaterThanOrEqual(spec.k);
          }

          // CLI: the groups table and the figures for everyone.
          const cli = await paved(['survey', 'results', survey.id, '--by', by]);
          expect(cli.code, cli.stderr).toBe(0);
          const groups = results.cuts.filter((c) => c.kind !== 'all');
          const rows = cliGroups(cli.stdout);
          expect(rows).toHaveLength(groups.length);
          const cliCuts: ShownCut[] = [
            { key: 'all', parent: null, status: root.status, n: root.respondents },
          ];
          for (const [i, c] of groups.entries()) {
            const row = rows[i]!;
            if (c.status !== 'shown') {
              expect(row.Answers).toBe(c.status === 'hidden' ? 'Not shown' : 'No answers');
              expect(
                [row.NPS, row['95% interval'], row['High effort'], row.Hours, row.Response].join(
                  '',
                ),
                `hidden row ${c.key}`,
              ).toBe('');
              cliCuts.push({ key: c.key, parent: c.parent, status: c.status });
              continue;
            }
            expect(row.Answers).toBe(String(c.respondents));
            cliCuts.push({ key: c.key, parent: c.parent, status: 'shown', n: Number(row.Answers) });
            if (c.nps.status !== 'shown')
              expect(row.NPS).toBe(c.nps.status === 'hidden' ? 'Not shown' : 'No answers');
            else expect(row.NPS).toBe(signedOf(c.nps.score as number));
          }
          expect(
            viewProblems(
              { name: 'CLI respondents', threshold: spec.k, cuts: cliCuts },
              truth,
              'respondents',
            ),
          ).toEqual([]);
          const npsLine = cli.stdout.split('\n').find((l) => l.trimStart().startsWith('NPS: '));
          expect(npsLine, cli.stdout).toBeDefined();
          if (root.nps.status === 'shown') expect(npsLine).toContain(`${root.nps.n} answer`);
          else
            expect(npsLine!.trim()).toBe(
              `NPS: ${root.nps.status === 'hidden' ? 'Not shown' : 'No answers'}`,
            );
          const bodies = truth.comments('all');
          if (root.comments.status !== 'shown') {
            for (const body of bodies) expect(cli.stdout).not.toContain(body);
          }
          // No comment of a cut whose comments are withheld shows anywhere the CLI prints.
          const printable = new Set(
            results.cuts.flatMap((c) =>
              c.comments.status === 'shown' ? c.comments.items!.map((i) => i.body) : [],
            ),
          );
          for (const line of cli.stdout.split('\n')) {
            const m = /(comment|fix) s\d+ \d+/.exec(line);
            if (m) expect(printable.has(m[0])).toBe(true);
          }
          // --json is the API's answer, unchanged.
          const json = await paved(['survey', 'results', survey.id, '--by', by, '--json']);
          expect(JSON.parse(json.stdout)).toEqual(results);
        }
      }),
      {
        numRuns: runs,
        examples: [
          // A team of exactly k with a sibling of one: the sibling is merged, the team must not
          // give away the sibling by subtraction from its parent.
          [
            {
              teams: [
                { parent: null, people: 0, levels: [], starts: [] },
                { parent: 0, people: 5, levels: [], starts: [] },
                { parent: 0, people: 6, levels: ['Senior', 'Staff'], starts: STARTS },
                { parent: 2, people: 3, levels: [], starts: [] },
              ],
              k: 3,
              kComment: 4,
              answers: [
                {
                  answers: true,
                  nps: 9,
                  load: 2,
                  hours: '1-2',
                  comment: true,
                  fix: false,
                  csat: 4,
                  effort: 6,
                },
                {
                  answers: true,
                  nps: 3,
                  load: 5,
                  hours: 'over-8',
                  comment: false,
                  fix: true,
                  csat: 2,
                  effort: undefined,
                },
                {
                  answers: true,
                  nps: undefined,
                  load: undefined,
                  hours: undefined,
                  comment: true,
                  fix: false,
                  csat: undefined,
                  effort: 3,
                },
              ],
            },
          ],
        ],
      },
    );
  }, 900_000);

  it('results, the CSV export and paved survey results exist only after close', async () => {
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 12 }]);
    const draft = await createSurvey(handle().db, org.platform, {
      title: 'Not yet',
      period: '2026-Q4',
      audience: 'all',
    });
    // A draft is invisible to readers; an open survey has no results yet.
    expect((await api(`/api/v1/surveys/${draft.id}/results?by=team`)).status).toBe(404);
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    for (const person of org.all.slice(0, 11)) {
      await submitResponse(org.deps, person, survey.id, { nps: 10, comment: 'early bird' });
    }
    for (const by of DIMENSIONS) {
      const res = await api(`/api/v1/surveys/${survey.id}/results?by=${by}`);
      expect(res.status).toBe(409);
      const text = await res.text();
      expect(text).not.toContain('early bird');
      expect(text).not.toMatch(/"n"|"score"|respondents/);
      const csv = await api(`/api/v1/surveys/${survey.id}/export.csv?by=${by}`);
      expect(csv.status).toBe(409);
      expect(await csv.text()).not.toContain('early bird');
      const cli = await paved(['survey', 'results', survey.id, '--by', by]);
      expect(cli.code).not.toBe(0);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).not.toContain('early bird');
    }
    await closeSurvey(org.deps, org.platform, survey.id);
    expect((await api(`/api/v1/surveys/${survey.id}/results?by=team`)).status).toBe(200);
  });

  it('pulse results never show the current month, and no two answers of the API can be subtracted into fewer than k pulses', async () => {
    const { db } = handle();
    await setSetting(db, anonymityK, 5);
    await setSetting(db, anonymityKComment, 6);
    const now = new Date();
    const month = (back: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
        .toISOString()
        .slice(0, 7);
    const quarterOf = (m: string) =>
      `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5)) - 1) / 3) + 1}`;
    let capNo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 9 }),
        async (perMonth, current) => {
          const slug = `pulse-cap-${++capNo}`;
          const capability = await insertCapability(db, {
            slug,
            name: slug,
            summary: 'pulses',
            ownerTeamId: null,
            docsUrl: null,
            stage: 'ga',
            obligation: 'optional',
            eligibleTeamIds: [],
          });
          // Three completed months of the quarter before the current one's, and this month.
          const q = quarterOf(month(3));
          const months = [1, 2, 3].map(
            (i) => `${q.slice(0, 4)}-${String((Number(q.slice(6)) - 1) * 3 + i).padStart(2, '0')}`,
          );
          const write = async (m: string, n: number) => {
            for (let i = 0; i < n; i++) {
              await insertPulse(db, {
                capabilityId: capability.id,
                touchpoint: i % 3 === 0 ? 'deploy' : null,
                rating: 1 + (i % 5),
                comment: i % 2 === 0 ? `pulse ${m} ${i}` : null,
                month: m,
              });
            }
          };
          for (const [i, n] of perMonth.entries()) await write(months[i]!, n);
          await write(month(0), current);

          // Everything a reader can ask: the quarter and each of its months.
          const rating = new Map<string, { n: number; count: number }>();
          const comments = new Map<string, string[]>();
          for (const period of [q, ...months]) {
            const res = await api(`/api/v1/pulses/results?capability=${slug}&period=${period}`);
            expect(res.status).toBe(200);
            const body = (await res.json()) as PulseJson;
            for (const c of body.cuts) {
              const key =
                c.month === null ? period : c.touchpoint ? `${c.month}/${c.touchpoint}` : c.month;
              if (c.rating.status === 'shown') {
                const seen = { n: c.rating.n!, count: c.rating.count as number };
                const before = rating.get(key);
                if (before) expect(seen, `${key} the same in every answer`).toEqual(before);
                rating.set(key, seen);
              }
              if (c.comments?.status === 'shown') comments.set(key, c.comments.items!);
            }
          }
          // The tree a reader can put together: the quarter, its months, their touchpoints.
          const touch = (n: number) => ({
            deploy: Math.ceil(n / 3),
            unknown: n - Math.ceil(n / 3),
          });
          const tree = (threshold: number, shown: (key: string) => boolean): ShownCut[] => {
            const node = (key: string, parent: string | null, n: number): ShownCut =>
              shown(key)
                ? { key, parent, status: 'shown', n: rating.get(key)!.n }
                : { key, parent, status: n === 0 ? 'empty' : 'hidden' };
            const total = perMonth.reduce((x, y) => x + y, 0);
            const out = [node(q, null, total)];
            for (const [i, m] of months.entries()) {
              out.push(node(m, q, perMonth[i]!));
              const t = touch(perMonth[i]!);
              out.push(node(`${m}/deploy`, m, t.deploy), node(`${m}/unknown`, m, t.unknown));
            }
            for (const c of out) {
              if (c.status === 'shown')
                expect(c.n, `${c.key} >= ${threshold}`).toBeGreaterThanOrEqual(threshold);
            }
            return out;
          };
          expect(
            disclosureProblems(
              tree(5, (key) => rating.has(key)),
              5,
            ),
          ).toEqual([]);
          expect(
            disclosureProblems(
              tree(6, (key) => comments.has(key)),
              6,
            ),
          ).toEqual([]);

          // The current month: never a cut, never in a total, never a comment.
          for (const period of [quarterOf(month(0)), month(0)]) {
            const res = await api(`/api/v1/pulses/results?capability=${slug}&period=${period}`);
            const body = (await res.json()) as PulseJson;
            expect(body.months).not.toContain(month(0));
            for (const c of body.cuts) {
              expect(c.month).not.toBe(month(0));
              expect(c.rating.status, `${period} ${c.month}`).toBe('empty');
            }
            expect(JSON.stringify(body)).not.toContain(`pulse ${month(0)}`);
          }
        },
      ),
      { numRuns: handle().engine === 'sqlite' ? 25 : 8, examples: [[[10, 10, 3], 4]] },
    );
  }, 600_000);

  it('pulse results read over time, as a quarter fills month by month, never subtract into fewer than k pulses', async () => {
    const { db } = handle();
    const capability = await insertCapability(db, {
      slug: 'deploys-over-time',
      name: 'Deploys over time',
      summary: 'pulses',
      ownerTeamId: null,
      docsUrl: null,
      stage: 'ga',
      obligation: 'optional',
      eligibleTeamIds: [],
    });
    const perMonth: Record<string, number> = { '2026-07': 10, '2026-08': 3, '2026-09': 10 };
    for (const [month, n] of Object.entries(perMonth)) {
      for (let i = 0; i < n; i++) {
        await insertPulse(db, {
          capabilityId: capability.id,
          touchpoint: null,
          rating: 1 + (i % 5),
          comment: null,
          month,
        });
      }
    }
    // A reader who looks at the quarter and at each month, on the first of every month.
    const known = new Map<string, number>();
    for (const day of ['2026-08-01', '2026-09-01', '2026-10-01', '2027-01-01']) {
      for (const period of ['2026-Q3', ...Object.keys(perMonth)]) {
        const r = await pulseResults(db, {
          capability: 'deploys-over-time',
          period,
          k: 5,
          kComment: 10,
          now: new Date(`${day}T12:00:00Z`),
        });
        const root = r.cuts.find((c) => c.month === null)!;
        // The quarter's total means something else each time it grows: keep each version apart.
        const key = period === '2026-Q3' ? `2026-Q3 as of ${r.months.join('+')}` : period;
        if (root.rating.status === 'shown') known.set(key, root.rating.n);
        for (const c of r.cuts) {
          if (c.month !== null && c.touchpoint === null && c.rating.status === 'shown') {
            known.set(c.month, c.rating.n);
          }
        }
      }
    }
    for (const [key, n] of known) expect(n, key).toBeGreaterThanOrEqual(5);
    // Each version of the quarter is its completed months: no version minus the months
    // known may leave 1…k−1 pulses, and no two versions may differ by 1…k−1.
    const versions = [...known].filter(([key]) => key.startsWith('2026-Q3'));
    for (const [key, n] of versions) {
      const months = key.slice('2026-Q3 as of '.length).split('+');
      const rest = n - months.reduce((s, m) => s + (known.get(m) ?? 0), 0);
      expect(rest === 0 || rest >= 5, `${key}: ${rest} left`).toBe(true);
      for (const [other, m] of versions) {
        const d = Math.abs(n - m);
        expect(d === 0 || d >= 5, `${key} vs ${other}`).toBe(true);
      }
    }
    expect(known.get('2026-07')).toBe(10);
    expect(known.has('2026-08')).toBe(false);
  });

  it('an answering run through the API with tokens and the pages with sessions leaves no link in logs, audit rows, tokens, sessions or answer rows; after close, none even with the secret', async () => {
    const { db, engine } = handle();
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 14 }]);
    await capabilityFor(db, 'deploy-pipeline', [org.teams.everyone!]);
    const draft = await createSurvey(db, org.platform, {
      title: 'Answering run',
      period: '2026-Q4',
      audience: 'all',
    });
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    const people = org.all.slice(0, 12);
    const users = [];
    for (const person of people) users.push(await signIn(handle(), 'developer', person.email));
    const never: string[] = [];
    for (const [i, user] of users.entries()) {
      const token = await db
        .selectFrom('api_tokens')
        .select(['id', 'token_hash'])
        .where('user_id', '=', user.user.id)
        .executeTakeFirstOrThrow();
      const session = await db
        .selectFrom('sessions')
        .select('id_hash')
        .where('user_id', '=', user.user.id)
        .executeTakeFirstOrThrow();
      never.push(
        user.user.id,
        user.user.email,
        people[i]!.personId!,
        user.token,
        token.id,
        token.token_hash,
        session.id_hash,
        user.csrfToken,
        user.cookie.Cookie!.split('=')[1]!,
      );
    }
    const auditBefore = await db.selectFrom('audit_log').select('id').execute();
    const tables = await dataTables(db, engine);
    const rowsOf = async (table: string) =>
      (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    // Every value each column held before the run.
    const snapshot = new Map<string, Set<unknown>>();
    for (const table of tables) {
      for (const row of await rowsOf(table)) {
        for (const [column, value] of Object.entries(row)) {
          const seen = snapshot.get(`${table}.${column}`) ?? new Set();
          seen.add(value);
          snapshot.set(`${table}.${column}`, seen);
        }
      }
    }
    const memory = memoryLogger('trace');
    const app = testApp(handle(), {}, memory.log);

    const bodies: string[] = [];
    for (const [i, user] of users.entries()) {
      const comment = `answer comment ${i} ${user.user.id.slice(0, 4)}`;
      const pulse = `pulse comment ${i}`;
      bodies.push(comment, pulse);
      if (i < 6) {
        // By the API, with a token.
        const res = await app.request(`/api/v1/surveys/${survey.id}/responses`, {
          method: 'POST',
          headers: { ...user.bearer, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            answers: { nps: i, comment, capabilities: { 'deploy-pipeline': { csat: 4 } } },
          }),
        });
        expect(res.status).toBe(201);
        const p = await app.request('/api/v1/pulses', {
          method: 'POST',
          headers: { ...user.bearer, 'Content-Type': 'application/json' },
          body: JSON.stringify({ capability: 'deploy-pipeline', rating: 4, comment: pulse }),
        });
        expect(p.status).toBe(201);
      } else {
        // By the answer page, with a session, as a browser posts it.
        const page = await app.request(`/surveys/${survey.id}`, { headers: user.cookie });
        expect(page.status).toBe(200);
        const post = (path: string, fields: [string, string][]) =>
          app.request(path, {
            method: 'POST',
            headers: {
              ...user.cookie,
              'Content-Type': 'application/x-www-form-urlencoded',
              Origin: 'http://localhost',
            },
            body: new URLSearchParams([['_csrf', user.csrfToken], ...fields]),
          });
        const res = await post(`/surveys/${survey.id}`, [
          ['nps', String(i % 11)],
          ['comment', comment],
          ['csat.deploy-pipeline', '2'],
        ]);
        expect(res.status).toBe(303);
        const p = await post('/pulse/deploy-pipeline', [
          ['rating', '2'],
          ['comment', pulse],
        ]);
        expect(p.status).toBe(303);
      }
    }
    const hashes = (
      await db
        .selectFrom('survey_participation')
        .select('hash')
        .where('survey_id', '=', survey.id)
        .execute()
    ).map((h) => h.hash);
    expect(hashes).toHaveLength(12);
    const throttle = (await db.selectFrom('pulse_throttle').select('hash').execute()).map(
      (t) => t.hash,
    );

    // Logs: method, route, status and timing for the answering requests; nothing else of them.
    const logged = memory.text();
    for (const secret of [...never, ...bodies, ...hashes, ...throttle]) {
      expect(logged).not.toContain(secret);
    }
    const answering = memory
      .records()
      .filter(
        (r) => typeof r.route === 'string' && /responses|pulse|^\/surveys\/:id$/.test(r.route),
      );
    expect(answering.length).toBeGreaterThanOrEqual(30);
    for (const r of answering) {
      expect(Object.keys(r).sort()).toEqual([
        'level',
        'method',
        'ms',
        'msg',
        'reqId',
        'route',
        'service',
        'status',
        'time',
      ]);
    }
    // The audit log records no answer at all, and holds nothing of the people who answered.
    const audit = await db.selectFrom('audit_log').selectAll().execute();
    expect(audit.map((a) => a.id).sort()).toEqual(auditBefore.map((a) => a.id).sort());
    const auditText = JSON.stringify(audit);
    for (const secret of [...never, ...bodies, ...hashes]) expect(auditText).not.toContain(secret);

    // Tokens keep the day they were used; sessions the quarter hour.
    for (const user of users.slice(0, 6)) {
      const t = await db
        .selectFrom('api_tokens')
        .select('last_used_on')
        .where('user_id', '=', user.user.id)
        .executeTakeFirstOrThrow();
      expect(t.last_used_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const user of users.slice(6)) {
      const s = await db
        .selectFrom('sessions')
        .select('last_seen_at')
        .where('user_id', '=', user.user.id)
        .executeTakeFirstOrThrow();
      const at = new Date(s.last_seen_at);
      expect(at.getUTCMinutes() % 15, s.last_seen_at).toBe(0);
      expect(at.getUTCSeconds() + at.getUTCMilliseconds(), s.last_seen_at).toBe(0);
    }
    // Nothing anywhere marks the moment of an answer: no value the run wrote is a time finer
    // than the day (sessions: the quarter hour, checked above).
    const moments: string[] = [];
    for (const table of tables) {
      for (const row of await rowsOf(table)) {
        for (const [column, value] of Object.entries(row)) {
          if (table === 'sessions' && column === 'last_seen_at') continue;
          if (snapshot.get(`${table}.${column}`)?.has(value)) continue;
          if (typeof value === 'string' && /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
            moments.push(`${table}.${column} = ${value} in ${JSON.stringify(row)}`);
          }
        }
      }
    }
    expect(moments).toEqual([]);

    // Answer rows: no time finer than the period, nothing of a person.
    for (const table of ANONYMOUS_TABLES) {
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)}`.execute(db);
      expect(rows.length, table).toBeGreaterThan(0);
      const text = JSON.stringify(rows);
      for (const secret of [...never, ...hashes, ...throttle])
        expect(text, table).not.toContain(secret);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value !== 'string') continue;
          if (table === 'pulses' && column === 'month') expect(value).toMatch(/^\d{4}-\d{2}$/);
          else expect(value, `${table}.${column}`).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{2}:\d{2}/);
        }
      }
    }

    // After close, not even the secret links: no hash of any person for this survey remains anywhere.
    await closeSurvey(org.deps, org.platform, survey.id);
    const keyed = org.all.flatMap((p) => [
      testSecret.hmac(PARTICIPATION, survey.id, p.personId!),
      testSecret.hmac('survey-invitation', survey.id, p.personId!),
    ]);
    for (const h of hashes) expect(keyed).toContain(h);
    let everything = '';
    for (const table of tables) {
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)}`.execute(db);
      everything += JSON.stringify(rows);
    }
    for (const h of keyed) expect(everything).not.toContain(h);
    for (const table of ['survey_participation', 'survey_invitations'] as const) {
      expect(
        await db.selectFrom(table).selectAll().where('survey_id', '=', survey.id).execute(),
      ).toEqual([]);
    }
    // What is left of the answers: rows with coarse segments; the team's counts for response rates.
    const segments = await db
      .selectFrom('survey_responses')
      .select(['team_id', 'tenure_band', 'level_band'])
      .where('survey_id', '=', survey.id)
      .execute();
    expect(segments).toHaveLength(12);
    for (const s of segments) expect(s.team_id).toBe(org.teams.everyone);
  });
});

/** A cut as compared between outputs: its count only when shown. */
const bare = (c: ShownCut) =>
  c.status === 'shown'
    ? { key: c.key, parent: c.parent, status: c.status, n: c.n }
    : { key: c.key, parent: c.parent, status: c.status };

interface PulseJson {
  months: string[];
  cuts: Array<{
    month: string | null;
    touchpoint: string | null;
    rating: FigureJson;
    comments: (FigureJson & { items?: string[] }) | null;
  }>;
}

const signedOf = (v: number) =>
  Math.round(v) < 0 ? `−${Math.abs(Math.round(v))}` : String(Math.round(v));
