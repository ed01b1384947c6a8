// Anonymity attacks beyond test/security/survey-anonymity.test.ts (which
// checks each output of survey results on its own) and
// src/surveys/anonymity.test.ts (columns and write order):
//
// 1. Differencing across outputs and over time: a reader who keeps every
//    CSAT and pulse count shown by the survey results (API and CSV, every
//    dimension), the pulse results, the mandate–choice matrix, the beta
//    comparison and the quarterly report — read again as months complete,
//    surveys close and teams join a beta — and subtracts any count from any
//    that contains it, must never arrive at a group of 1 to k − 1 answers.
// 2. Linking: a plain SQL read of every table, without the secret, and a
//    `paved export`, hold no value shared between answer rows and anything
//    that names a person, and no order that follows the order of answering
//    (plain SELECT on SQLite, every table's key order on both engines, the
//    export); after close, no HMAC of any person under the secret is left.
//
// Any success of an attack fails the suite.

import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertCapability } from '../../src/capabilities/store.ts';
import { dataTables } from '../../src/core/db/helpers.ts';
import type { Db } from '../../src/core/db/index.ts';
import { anonymityK, anonymityKComment } from '../../src/core/privacy.ts';
import { setSetting } from '../../src/core/settings.ts';
import { createRandom } from '../../src/demo/random.ts';
import { betaDetail } from '../../src/insights/betas.ts';
import { placeTeam } from '../../src/insights/betas-compare.ts';
import { joinBeta, startBeta } from '../../src/insights/betas-service.ts';
import { matrixFor } from '../../src/insights/matrix.ts';
import { buildReport } from '../../src/insights/report.ts';
import { exportText, rowsOf } from '../../src/operations/testing.ts';
import { parseCsv } from '../../src/org/csv.ts';
import { TENURE_BANDS } from '../../src/surveys/model.ts';
import { DIMENSIONS, type Figure, surveyResults, type TopBox } from '../../src/surveys/results.ts';
import { pulseResults } from '../../src/surveys/results-pulses.ts';
import {
  closeSurvey,
  createSurvey,
  openSurvey,
  reshuffleRecentAnswers,
  submitResponse,
} from '../../src/surveys/service.ts';
import { INVITATION, PARTICIPATION } from '../../src/surveys/service-support.ts';
import { ANONYMOUS_TABLES, insertPulse } from '../../src/surveys/store.ts';
import { capabilityFor, seedSurveyOrg } from '../../src/surveys/testing.ts';
import { signIn, type TestUser, testApp, testSecret } from '../app.ts';
import { engines, freshDatabase, type TestDb } from '../engines.ts';
import { memoryLogger } from '../security/support.ts';
import { Cells, differencing, type Known } from './anonymity-attacks-audit.ts';
import { SEED, seedFor, sized } from './support.ts';

// ---- 1. Differencing ----

const LEVELS = ['Junior', 'Senior', 'Staff'];
const STARTS = ['2026-03-01', '2024-05-01', '2019-03-01'];
const MONTHS = ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
const QUARTERS = ['2026-Q2', '2026-Q3', '2026-Q4'];
const SURVEYS = [
  { period: '2026-Q2', opens: '2026-05-01', closes: '2026-06-30' },
  { period: '2026-Q3', opens: '2026-08-25', closes: '2026-09-30' },
] as const;
/** When a team volunteers for the beta, if ever. */
const JOINS = ['never', 'at-start', 'after-q2', 'after-q3'] as const;

const scenarioArb = fc.record({
  teams: fc.array(
    fc.record({
      parent: fc.option(fc.nat(5), { nil: null, freq: 2 }),
      people: fc.integer({ min: 0, max: 8 }),
      levels: fc.subarray(LEVELS),
      starts: fc.subarray(STARTS),
      joins: fc.constantFrom(...JOINS),
    }),
    { minLength: 2, maxLength: 6 },
  ),
  k: fc.integer({ min: 3, max: 5 }),
  /** Per survey, the share of people who rate the capability. */
  rates: fc.tuple(fc.integer({ min: 20, max: 100 }), fc.integer({ min: 20, max: 100 })),
  /** Pulses per month, April to October. */
  pulses: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 7, maxLength: 7 }),
  seed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

type Cell =
  | { kind: 's'; survey: string; team: string | null; tenure: string | null; level: string | null }
  | { kind: 'p'; month: string; touch: string };

const topOf = (f: Figure<TopBox>) => (f.status === 'shown' ? f.count : null);

/** A reader's whole record of one organisation, and the organisation's truth. */
class Reader {
  readonly known: Known[] = [];
  constructor(
    readonly cells: Cells<Cell>,
    readonly parentOf: Map<string, string | null>,
    readonly slugOf: Map<string, string>,
  ) {}

  see(label: string, pick: (c: Cell) => boolean, n: number, top: number | null) {
    this.known.push({ label, mask: this.cells.mask(pick), n, top });
  }

  /** The team and its descendants. */
  within(teamId: string | null, root: string): boolean {
    for (let t = teamId; t; t = this.parentOf.get(t) ?? null) if (t === root) return true;
    return false;
  }

  /** The cells of a survey result's cut key (see results-cuts.ts). */
  cutPick(survey: string, key: string): (c: Cell) => boolean {
    const [kind, value] = key.split(/:(.*)/s) as [string, string | undefined];
    // Cut keys name a team by id (or, in older outputs, by slug).
    const idOf = (ref: string) =>
      this.parentOf.has(ref) ? ref : ([...this.slugOf].find(([, s]) => s === ref)?.[0] ?? '');
    return (c) => {
      if (c.kind !== 's' || c.survey !== survey) return false;
      if (key === 'all') return true;
      if (kind === 'tenure') return (c.tenure ?? 'unknown') === value;
      if (kind === 'level') return (c.level ?? 'unknown') === value;
      if (key === 'team:unknown') return c.team === null || !this.parentOf.has(c.team);
      if (kind === 'rest') return c.team === idOf(value!);
      if (kind === 'team') return this.within(c.team, idOf(value!));
      throw new Error(`unknown cut ${key}`);
    };
  }
}

async function readAll(
  db: Db,
  reader: Reader,
  at: string,
  ctx: { capability: { id: string; slug: string }; surveys: string[]; betaId: string; k: number },
) {
  const now = new Date(`${at}T12:00:00Z`);
  const { capability } = ctx;
  const closed = (
    await db.selectFrom('surveys').select(['id', 'period']).where('state', '=', 'closed').execute()
  ).filter((s) => ctx.surveys.includes(s.id));
  // Survey results, every dimension (the API, CSV and CLI show the same, checked elsewhere).
  for (const s of closed) {
    for (const by of DIMENSIONS) {
      const r = await surveyResults(db, s.id, by);
      for (const cut of r.cuts) {
        const csat = cut.capabilities.find((f) => f.capabilityId === capability.id)?.csat;
        if (csat?.status === 'shown')
          reader.see(
            `results ${s.period} ${cut.key}`,
            reader.cutPick(s.id, cut.key),
            csat.n,
            csat.count,
          );
      }
    }
  }
  // Pulse results: each quarter and month, as of this day.
  for (const period of [...QUARTERS, ...MONTHS]) {
    const r = await pulseResults(db, {
      capability: capability.slug,
      period,
      k: ctx.k,
      kComment: ctx.k,
      now,
    });
    for (const cut of r.cuts) {
      if (cut.rating.status !== 'shown') continue;
      const months = cut.month === null ? r.months : [cut.month];
      reader.see(
        `pulses ${period} ${cut.month ?? 'all'}${cut.touchpoint ? `/${cut.touchpoint}` : ''} as of ${at}`,
        (c) =>
          c.kind === 'p' &&
          months.includes(c.month) &&
          (cut.touchpoint === null || c.touch === cut.touchpoint),
        cut.rating.n,
        cut.rating.count,
      );
    }
  }
  // The matrix of each quarter as of this day, and the report's copy of it. It pools the parts
  // that their own results show (a survey's CSAT from k, a pulse month from k): a reader knows
  // which those are from the results.
  const periodOf = new Map(closed.map((s) => [s.id, s.period]));
  const sizes = new Map<string, number>();
  for (const r of await db
    .selectFrom('survey_ratings')
    .select('survey_id as part')
    .where('capability_id', '=', capability.id)
    .where('csat', 'is not', null)
    .unionAll(
      db.selectFrom('pulses').select('month as part').where('capability_id', '=', capability.id),
    )
    .execute())
    sizes.set(r.part, (sizes.get(r.part) ?? 0) + 1);
  const pooledPart = (part: string) => (sizes.get(part) ?? 0) >= ctx.k;
  for (const period of QUARTERS) {
    const m = await matrixFor(db, { period, now, replicates: 19 });
    const report = await buildReport(db, { period, now });
    for (const [source, rows, pooled, months] of [
      ['matrix', m.rows, m.pooled, m.pulseMonths],
      ['report', report.matrix.rows, report.matrix.pooled, report.matrix.pulseMonths],
    ] as const) {
      const row = rows.find((r) => r.capability.slug === capability.slug);
      const e = row?.experience;
      if (!e || e.n === null || e.csat === null) continue;
      reader.see(
        `${source} ${period} as of ${at}`,
        (c) =>
          c.kind === 's'
            ? pooled.includes(periodOf.get(c.survey) ?? '') && pooledPart(c.survey)
            : (months as readonly string[]).includes(c.month) && pooledPart(c.month),
        e.n,
        Math.round((e.csat * e.n) / 100),
      );
    }
  }
  // The beta comparison in each closed survey, with today's beta teams; its monthly pulses.
  for (const s of closed) {
    // Today's teams: joins are dated by the clock, so the beta is read as of now.
    const d = await betaDetail(db, ctx.betaId, { surveyId: s.id });
    const beta = new Set(d.teamList.map((t) => t.team.id));
    const c = d.comparison!;
    for (const place of ['beta', 'others'] as const) {
      const f = c[place];
      if (f.status !== 'shown') continue;
      reader.see(
        `beta comparison ${s.period} ${place} (${[...beta].map((t) => reader.slugOf.get(t)).join('+') || 'no team'}) as of ${at}`,
        (cell) =>
          cell.kind === 's' &&
          cell.survey === s.id &&
          placeTeam(cell.team, beta, reader.parentOf) === place,
        f.n,
        topOf(f),
      );
    }
    if (c.unplaced.status === 'shown')
      reader.see(
        `beta comparison ${s.period} unplaced as of ${at}`,
        (cell) =>
          cell.kind === 's' &&
          cell.survey === s.id &&
          placeTeam(cell.team, beta, reader.parentOf) === 'unplaced',
        c.unplaced.n!,
        null,
      );
    for (const p of d.pulses) {
      if (p.rating.status === 'shown')
        reader.see(
          `beta pulses ${p.month} as of ${at}`,
          (cell) => cell.kind === 'p' && cell.month === p.month,
          p.rating.n,
          p.rating.count,
        );
    }
  }
}

interface ShownJson {
  status: string;
  n?: number;
  count?: number;
}

/** The same reads through the HTTP API, today: results and their CSV, the matrix, the report, the betas. */
async function readApi(
  handle: TestDb,
  reader: Reader,
  ctx: { capability: { id: string; slug: string }; surveys: string[]; betaId: string; k: number },
) {
  const app = testApp(handle);
  const platform = await signIn(handle, 'platform');
  const get = async (path: string) => {
    const res = await app.request(path, { headers: platform.bearer });
    expect(res.status, path).toBe(200);
    return res;
  };
  const { capability } = ctx;
  const idBySlug = new Map([...reader.slugOf].map(([id, slug]) => [slug, id]));
  for (const id of ctx.surveys) {
    for (const by of DIMENSIONS) {
      const r = (await (await get(`/api/v1/surveys/${id}/results?by=${by}`)).json()) as {
        cuts: Array<{
          key: string;
          label: string;
          capabilities: Array<{ capability: string; csat: ShownJson }>;
        }>;
      };
      const keyOf = new Map(r.cuts.map((c) => [c.label, c.key]));
      for (const c of r.cuts) {
        const csat = c.capabilities.find((x) => x.capability === capability.slug)?.csat;
        if (csat?.status === 'shown')
          reader.see(`API results ${c.key}`, reader.cutPick(id, c.key), csat.n!, csat.count!);
      }
      const csv = parseCsv(
        await (await get(`/api/v1/surveys/${id}/export.csv?by=${by}`)).text(),
      ).map((r) => r.fields);
      for (const row of csv.slice(1)) {
        if (row[3] !== 'csat' || row[4] !== capability.slug || row[5] !== 'shown') continue;
        const key = keyOf.get(row[1]!);
        expect(key, `CSV cut ${row[1]}`).toBeDefined();
        const n = Number(row[6]);
        reader.see(
          `CSV results ${key}`,
          reader.cutPick(id, key!),
          n,
          Math.round((Number(row[7]) * n) / 100),
        );
      }
    }
  }
  const sizes = new Map<string, number>();
  for (const r of await handle.db
    .selectFrom('survey_ratings')
    .select('survey_id as part')
    .where('capability_id', '=', capability.id)
    .where('csat', 'is not', null)
    .unionAll(
      handle.db
        .selectFrom('pulses')
        .select('month as part')
        .where('capability_id', '=', capability.id),
    )
    .execute())
    sizes.set(r.part, (sizes.get(r.part) ?? 0) + 1);
  const periods = new Map(
    (await handle.db.selectFrom('surveys').select(['id', 'period']).execute()).map((s) => [
      s.id,
      s.period,
    ]),
  );
  type MatrixJson = {
    pooled: string[];
    pulseMonths: string[];
    rows: Array<{
      capability: { slug: string };
      experience: { n: number | null; csat: number | null };
    }>;
  };
  const seeMatrix = (label: string, m: MatrixJson) => {
    const e = m.rows.find((r) => r.capability.slug === capability.slug)?.experience;
    if (!e || e.n === null || e.csat === null) return;
    reader.see(
      label,
      (c) =>
        c.kind === 's'
          ? ctx.surveys.includes(c.survey) &&
            m.pooled.includes(periods.get(c.survey) ?? '') &&
            (sizes.get(c.survey) ?? 0) >= ctx.k
          : m.pulseMonths.includes(c.month) && (sizes.get(c.month) ?? 0) >= ctx.k,
      e.n,
      Math.round((e.csat * e.n) / 100),
    );
  };
  for (const period of QUARTERS) {
    seeMatrix(
      `API matrix ${period} today`,
      (await (await get(`/api/v1/matrix?period=${period}`)).json()) as MatrixJson,
    );
    const report = (await (await get(`/api/v1/report?period=${period}`)).json()) as {
      matrix: MatrixJson;
    };
    seeMatrix(`API report ${period} today`, report.matrix);
  }
  for (const id of ctx.surveys) {
    const d = (await (await get(`/api/v1/betas/${ctx.betaId}?survey=${id}`)).json()) as {
      teamList: Array<{ team: string }>;
      comparison: {
        beta: ShownJson;
        others: ShownJson;
        unplaced: { status: string; n: number | null };
      };
      pulses: Array<{ month: string; rating: ShownJson }>;
    };
    const beta = new Set(d.teamList.map((t) => idBySlug.get(t.team)!));
    for (const place of ['beta', 'others', 'unplaced'] as const) {
      const f = d.comparison[place];
      if (f.status !== 'shown') continue;
      reader.see(
        `API beta comparison ${periods.get(id)} ${place} today`,
        (c) =>
          c.kind === 's' && c.survey === id && placeTeam(c.team, beta, reader.parentOf) === place,
        f.n!,
        place === 'unplaced' ? null : (f as ShownJson).count!,
      );
    }
    for (const p of d.pulses) {
      if (p.rating.status === 'shown')
        reader.see(
          `API beta pulses ${p.month}`,
          (c) => c.kind === 'p' && c.month === p.month,
          p.rating.n!,
          p.rating.count!,
        );
    }
  }
}

/** Builds one organisation through time, reading every output at each step. */
async function attack(
  handle: TestDb,
  spec: Scenario,
): Promise<{ problems: string[]; sets: number; seen: number; sources: Map<string, number> }> {
  const { db } = handle;
  const rng = createRandom(spec.seed, 'anonymity-attacks');
  const slugs = spec.teams.map((_, i) => `att-t${i}`);
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
  await setSetting(db, anonymityK, spec.k);
  await setSetting(db, anonymityKComment, spec.k);
  const teams = await db.selectFrom('teams').select(['id', 'slug', 'parent_id']).execute();
  const parentOf = new Map(teams.map((t) => [t.id, t.parent_id]));
  const slugOf = new Map(teams.map((t) => [t.id, t.slug]));
  // Mandatory, so every team is asked about it; in beta, so it has a beta program.
  const capability = await insertCapability(db, {
    slug: 'att-cap',
    name: 'Attack capability',
    summary: 'rated while attacked',
    ownerTeamId: null,
    docsUrl: null,
    stage: 'beta',
    obligation: 'mandatory',
    eligibleTeamIds: [],
  });
  for (const [i, n] of spec.pulses.entries()) {
    for (let j = 0; j < n; j++) {
      await insertPulse(db, {
        capabilityId: capability.id,
        touchpoint: rng.chance(0.5) ? 'deploy' : null,
        rating: rng.int(1, 5),
        comment: null,
        month: MONTHS[i]!,
      });
    }
  }
  const beta = await startBeta(db, org.platform, {
    capability: capability.slug,
    startsOn: '2026-04-01',
    reviewOn: '2027-03-31',
  });
  const join = async (when: (typeof JOINS)[number], at: string) => {
    for (const [i, t] of spec.teams.entries()) {
      if (t.joins === when)
        await joinBeta(db, org.platform, beta.id, {
          teamId: org.teams[slugs[i]!]!,
          now: new Date(`${at}T12:00:00Z`),
        });
    }
  };
  const levels = [...LEVELS, null];
  const tenures = [...TENURE_BANDS.map((b) => b.key), null];
  const surveyIds: string[] = [];
  const cells: Cell[] = MONTHS.flatMap((month) =>
    ['deploy', 'unknown'].map((touch) => ({ kind: 'p' as const, month, touch })),
  );
  const teamIds = [...teams.map((t) => t.id), null];
  const ctx = { capability, surveys: surveyIds, betaId: beta.id, k: spec.k };

  // Both surveys exist (as drafts) from the start, so every cell has its bit.
  const drafts: string[] = [];
  for (const s of SURVEYS) {
    const draft = await createSurvey(db, org.platform, {
      title: `Attack ${s.period}`,
      period: s.period,
      audience: 'all',
    });
    drafts.push(draft.id);
    for (const t of teamIds)
      for (const tenure of tenures)
        for (const level of levels)
          cells.push({ kind: 's', survey: draft.id, team: t, tenure, level });
  }
  const reader = new Reader(new Cells(cells), parentOf, slugOf);
  const runSurvey = async (i: number) => {
    const s = SURVEYS[i]!;
    const survey = await openSurvey(
      org.deps,
      org.platform,
      drafts[i]!,
      new Date(`${s.opens}T09:00:00Z`),
    );
    surveyIds.push(survey.id);
    for (const person of org.all) {
      if (rng.int(1, 100) > spec.rates[i]!) continue;
      await submitResponse(org.deps, person, survey.id, {
        nps: rng.int(0, 10),
        capabilities: { [capability.slug]: { csat: rng.int(1, 5) } },
      });
    }
    await closeSurvey(org.deps, org.platform, survey.id, new Date(`${s.closes}T18:00:00Z`));
  };
  // The timeline, with a reader who reads everything at every step and forgets nothing.
  await join('at-start', '2026-04-02');
  await readAll(db, reader, '2026-04-15', ctx);
  await runSurvey(0);
  await readAll(db, reader, '2026-07-15', ctx);
  await readAll(db, reader, '2026-08-15', ctx);
  await join('after-q2', '2026-08-20');
  await readAll(db, reader, '2026-08-20', ctx);
  await runSurvey(1);
  await readAll(db, reader, '2026-10-05', ctx);
  await readAll(db, reader, '2026-11-05', ctx);
  await join('after-q3', '2026-11-10');
  await readAll(db, reader, '2026-11-10', ctx);
  await readAll(db, reader, '2027-01-05', ctx);
  await readApi(handle, reader, ctx);
  const audit = differencing(reader.known, spec.k);
  const sources = new Map<string, number>();
  for (const x of reader.known) {
    const words = x.label.split(' ');
    const source = words.slice(0, ['API', 'CSV', 'beta'].includes(words[0]!) ? 2 : 1).join(' ');
    sources.set(source, (sources.get(source) ?? 0) + 1);
  }
  return { ...audit, seen: reader.known.length, sources };
}

describe.each(engines)('anonymity attacks [%s]', (engine) => {
  it(
    'differencing the matrix, the beta comparison and the report against survey and pulse results, across periods and over time, never finds a group under k',
    async () => {
      const runs =
        Number(process.env.PAVED_ATTACK_RUNS) ||
        sized(engine === 'sqlite' ? 8 : 3, engine === 'sqlite' ? 40 : 20);
      let seen = 0;
      let sets = 0;
      let tried = 0;
      const bySource = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (spec) => {
          const people = spec.teams.reduce((s, t) => s + t.people, 0);
          fc.pre(people >= Math.max(spec.k, 10));
          const handle = await freshDatabase(engine);
          try {
            const result = await attack(handle, spec);
            tried++;
            seen += result.seen;
            for (const [source, n] of result.sources)
              bySource.set(source, (bySource.get(source) ?? 0) + n);
            sets += result.sets;
            expect(result.problems, JSON.stringify(spec)).toEqual([]);
          } finally {
            await handle.close();
          }
        }),
        {
          numRuns: runs,
          seed: seedFor(`anonymity-attacks/${engine}`),
          examples: [
            // A small team moves from "everyone else" to the beta after the survey closed,
            // while everyone else still holds enough small teams to be shown.
            [
              {
                teams: [
                  { parent: null, people: 6, levels: [], starts: [], joins: 'never' },
                  { parent: null, people: 2, levels: [], starts: [], joins: 'never' },
                  { parent: null, people: 2, levels: [], starts: [], joins: 'never' },
                  { parent: null, people: 2, levels: [], starts: [], joins: 'after-q2' },
                  { parent: null, people: 5, levels: [], starts: [], joins: 'at-start' },
                ],
                k: 3,
                rates: [100, 100],
                pulses: [0, 0, 0, 0, 0, 0, 0],
                seed: 1,
              },
            ],
          ],
        },
      );
      console.info(
        `anonymity differencing [${engine}] seed ${SEED}: ${tried} organisations, ${seen} counts read (${[...bySource].map(([source, n]) => `${source} ${n}`).join(', ')}), ${sets} sets known or worked out, 0 groups under k`,
      );
    },
    sized(600_000, 7_200_000),
  );
});

// ---- 2. Linking by value, by order, and with the secret after close ----

/** Spearman's ρ between two rankings of the same people, and how many share a rank. */
function rankAgreement(a: number[], b: number[]): { rho: number; same: number; n: number } {
  const inB = new Set(b);
  const left = a.filter((x) => inB.has(x));
  const inLeft = new Set(left);
  const right = b.filter((x) => inLeft.has(x));
  const n = left.length;
  const rankRight = new Map(right.map((x, i) => [x, i]));
  let d2 = 0;
  let same = 0;
  for (const [i, x] of left.entries()) {
    const j = rankRight.get(x)!;
    d2 += (i - j) ** 2;
    if (i === j) same++;
  }
  return { rho: n < 3 ? 0 : 1 - (6 * d2) / (n * (n * n - 1)), same, n };
}

/** First appearance of each person in a list of row values (people unknown to the map skipped). */
function personOrder(values: unknown[], personOf: Map<string, number>): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const v of values) {
    const p = typeof v === 'string' ? personOf.get(v) : undefined;
    if (p !== undefined && !seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

type Row = Record<string, unknown>;

async function plainRows(db: Db, table: string): Promise<Row[]> {
  return (await sql<Row>`select * from ${sql.table(table)}`.execute(db)).rows;
}

/** The tables that name no person by design, or only as a keyed hash (useless without the secret). */
const NOT_PERSON_ORDERS = new Set<string>([
  ...ANONYMOUS_TABLES,
  'survey_participation',
  'survey_invitations',
  'pulse_throttle',
]);
/** Answer-row columns that hold shared, coarse values (a survey, a team, a band, a rating). */
const SHARED_COLUMNS = new Set([
  'survey_id',
  'team_id',
  'tenure_band',
  'level_band',
  'question',
  'value',
  'capability_id',
  'csat',
  'effort',
  'touchpoint',
  'rating',
  'month',
]);

describe.each(engines)('anonymity attacks: linking [%s]', (engine) => {
  it(
    'a plain SQL read of every table and a paved export cannot join an answer or a pulse to a person, by value or by order, and after close no HMAC of any person is left, even computed with the secret',
    async () => {
      const handle = await freshDatabase(engine);
      const { db } = handle;
      const half = sized(30, 100);
      try {
        const org = await seedSurveyOrg(handle, [
          { slug: 'link-a', people: half, levels: LEVELS, starts: STARTS },
          { slug: 'link-b', people: half, levels: LEVELS, starts: STARTS },
        ]);
        await capabilityFor(db, 'link-cap', [org.teams['link-a']!, org.teams['link-b']!]);
        const draft = await createSurvey(db, org.platform, {
          title: 'Linking',
          period: '2026-Q4',
          audience: 'all',
        });
        const survey = await openSurvey(org.deps, org.platform, draft.id);
        const users: TestUser[] = [];
        for (const p of org.all) users.push(await signIn(handle, 'developer', p.email));
        // Everyone was last seen earlier: answering is the first use of the day for tokens and
        // of the quarter hour for sessions, so both are written to while answering.
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        const hourAgo = new Date(
          Math.floor(Date.now() / 900_000) * 900_000 - 3_600_000,
        ).toISOString();
        await db.updateTable('api_tokens').set({ last_used_on: yesterday }).execute();
        await db.updateTable('sessions').set({ last_seen_at: hourAgo }).execute();
        const personOf = new Map<string, number>();
        for (const [i, u] of users.entries()) {
          personOf.set(u.user.id, i);
          personOf.set(u.user.email, i);
          personOf.set(org.all[i]!.personId!, i);
        }

        // Everyone answers and sends a pulse, in a random order, half by the API, half by pages.
        const rng = createRandom(SEED, `linking/${engine}`);
        const order = rng.shuffle(users.map((_, i) => i));
        const author = new Map<string, number>();
        const memory = memoryLogger('trace');
        const app = testApp(handle, {}, memory.log);
        for (const i of order) {
          const user = users[i]!;
          const comment = `link answer ${rng.int(100_000, 999_999)}`;
          const pulse = `link pulse ${rng.int(100_000, 999_999)}`;
          author.set(comment, i);
          author.set(pulse, i);
          if (i % 2 === 0) {
            const res = await app.request(`/api/v1/surveys/${survey.id}/responses`, {
              method: 'POST',
              headers: { ...user.bearer, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                answers: {
                  nps: rng.int(0, 10),
                  comment,
                  capabilities: { 'link-cap': { csat: rng.int(1, 5) } },
                },
              }),
            });
            expect(res.status).toBe(201);
            const p = await app.request('/api/v1/pulses', {
              method: 'POST',
              headers: { ...user.bearer, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                capability: 'link-cap',
                rating: rng.int(1, 5),
                comment: pulse,
              }),
            });
            expect(p.status).toBe(201);
          } else {
            expect(
              (await app.request(`/surveys/${survey.id}`, { headers: user.cookie })).status,
            ).toBe(200);
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
              ['nps', String(rng.int(0, 10))],
              ['comment', comment],
              ['csat.link-cap', String(rng.int(1, 5))],
            ]);
            expect(res.status).toBe(303);
            const p = await post('/pulse/link-cap', [
              ['rating', String(rng.int(1, 5))],
              ['comment', pulse],
            ]);
            expect(p.status).toBe(303);
          }
        }

        const tables = await dataTables(db, engine);
        const problems: string[] = [];
        let comparisons = 0;
        /** Every order of the answers and pulses a reader has: plain SELECT, by id, in the export. */
        const answerOrders = async (exported: string) => {
          const byAuthor = (rows: Row[], column: string) =>
            rows
              .map((r) => author.get(String(r[column])))
              .filter((x): x is number => x !== undefined);
          return new Map<string, number[]>([
            ['comments, plain SELECT', byAuthor(await plainRows(db, 'survey_comments'), 'body')],
            [
              'comments by id',
              byAuthor(
                await db.selectFrom('survey_comments').selectAll().orderBy('id').execute(),
                'body',
              ),
            ],
            ['comments in the export', byAuthor(rowsOf(exported, 'survey_comments'), 'body')],
            ['pulses, plain SELECT', byAuthor(await plainRows(db, 'pulses'), 'comment')],
            [
              'pulses by id',
              byAuthor(
                await db.selectFrom('pulses').selectAll().orderBy('id').execute(),
                'comment',
              ),
            ],
            ['pulses in the export', byAuthor(rowsOf(exported, 'pulses'), 'comment')],
          ]);
        };
        /** Every order of people a reader can take from a table: its plain order, and sorted by each column. */
        const personOrders = async () => {
          const out = new Map<string, number[]>();
          for (const table of tables) {
            if (NOT_PERSON_ORDERS.has(table)) continue;
            const rows = await plainRows(db, table);
            if (rows.length === 0) continue;
            const columns = Object.keys(rows[0]!);
            for (const c of columns) {
              if (!rows.some((r) => personOf.has(String(r[c])))) continue;
              out.set(
                `${table}.${c}, plain SELECT`,
                personOrder(
                  rows.map((r) => r[c]),
                  personOf,
                ),
              );
              for (const d of columns) {
                if (d === c) continue;
                const sorted = [...rows].sort((x, y) =>
                  String(x[d] ?? '').localeCompare(String(y[d] ?? '')),
                );
                out.set(
                  `${table}.${c} by ${d}`,
                  personOrder(
                    sorted.map((r) => r[c]),
                    personOf,
                  ),
                );
              }
            }
          }
          return out;
        };
        const orderAttack = async (when: string) => {
          const exported = await exportText(handle);
          const answers = await answerOrders(exported);
          for (const [name, list] of answers)
            expect(list.length, `${name} ${when}`).toBe(users.length);
          // The order answers were written in is not kept anywhere they can be read.
          for (const [name, list] of answers) {
            const r = rankAgreement(order, list);
            comparisons++;
            if (Math.abs(r.rho) >= 0.6 || r.same >= 10)
              problems.push(
                `${when}: ${name} follows the order of answering (ρ ${r.rho.toFixed(2)}, ${r.same} of ${r.n} in place)`,
              );
          }
          for (const [person, people] of await personOrders()) {
            for (const [name, list] of answers) {
              const r = rankAgreement(people, list);
              comparisons++;
              if (r.n >= 10 && (Math.abs(r.rho) >= 0.6 || r.same >= 10))
                problems.push(
                  `${when}: ${name} pairs with ${person} (ρ ${r.rho.toFixed(2)}, ${r.same} of ${r.n} paired right)`,
                );
            }
          }
          return exported;
        };

        // While the survey is open, once the quarter-hourly reshuffle has run (PostgreSQL keeps
        // the last quarter of an hour in the order it came: docs/anonymity.md): by order, by value.
        await reshuffleRecentAnswers(handle);
        const openExport = await orderAttack('while open');
        const answerValues = new Set<string>();
        for (const table of ANONYMOUS_TABLES) {
          for (const row of await plainRows(db, table))
            for (const [column, value] of Object.entries(row))
              if (!SHARED_COLUMNS.has(column) && typeof value === 'string' && value.length >= 6)
                answerValues.add(value);
        }
        expect(answerValues.size).toBeGreaterThan(users.length * 4);
        const shared = (text: string) => [...answerValues].filter((v) => text.includes(v));
        for (const table of tables) {
          if ((ANONYMOUS_TABLES as readonly string[]).includes(table)) continue;
          const found = shared(JSON.stringify(await plainRows(db, table)));
          if (found.length > 0)
            problems.push(`${table} holds values of answer rows: ${found.slice(0, 3).join(', ')}`);
        }
        const lines = openExport
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { table?: string; row?: Row });
        for (const left of [
          'survey_participation',
          'survey_invitations',
          'pulse_throttle',
          'sessions',
          'api_tokens',
        ])
          if (lines.some((l) => l.table === left)) problems.push(`the export carries ${left}`);
        const otherRows = JSON.stringify(
          lines.filter(
            (l) => l.table && !(ANONYMOUS_TABLES as readonly string[]).includes(l.table),
          ),
        );
        const inExport = shared(otherRows);
        if (inExport.length > 0)
          problems.push(
            `the export's other rows hold answer values: ${inExport.slice(0, 3).join(', ')}`,
          );
        const logged = shared(memory.text());
        if (logged.length > 0)
          problems.push(`the request log holds answer values: ${logged.slice(0, 3).join(', ')}`);

        // After close: by order again, and with the secret.
        await closeSurvey(org.deps, org.platform, survey.id);
        const closedExport = await orderAttack('after close');
        const keyed = org.all.flatMap((p) => [
          testSecret.hmac(PARTICIPATION, survey.id, p.personId!),
          testSecret.hmac(INVITATION, survey.id, p.personId!),
        ]);
        let everything = closedExport;
        for (const table of tables) everything += JSON.stringify(await plainRows(db, table));
        const hashes = keyed.filter((h) => everything.includes(h));
        if (hashes.length > 0)
          problems.push(
            `after close, ${hashes.length} HMACs of people under the secret are still there`,
          );

        console.info(
          `anonymity linking [${engine}] seed ${SEED}: ${users.length} people answered and sent a pulse; ${comparisons} orders compared, ${answerValues.size} answer values looked for in ${tables.length} tables, the export and the log, ${keyed.length} HMACs looked for after close; ${problems.length} links found`,
        );
        expect(problems).toEqual([]);
      } finally {
        await handle.close();
      }
    },
    sized(300_000, 1_800_000),
  );
});
