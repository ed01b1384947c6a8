// The surveys part of the demo: eight closed quarterly surveys of the whole
// organisation and the current quarter's open one, and a year of pulses.
//
// The story: platform NPS climbs from the low teens to the 50s as the
// platform listens; cognitive load and hours lost fall; when the legacy
// Jenkins build farm is deprecated, its teams are forced onto the mandatory CI
// runners, whose CSAT drops in the next survey, then recovers. Surveys are created, opened and
// closed through the surveys service, so invitations, coarsening and counts
// are the real ones; answers are written in batches, each part its own row
// with the coarse segment the service would store.

import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Capability } from '../capabilities/model.ts';
import { ledgerStates, listCapabilities } from '../capabilities/store.ts';
import { loadConfig } from '../core/config.ts';
import { batchSize, chunk } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { Database } from '../core/db/schema.ts';
import { createLogger } from '../core/log.ts';
import { type Period, previousPeriod, quarterOf } from '../core/period.ts';
import type { Actor } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import type { Person } from '../org/model.ts';
import {
  type Answers,
  type CustomQuestion,
  coarsenCells,
  type FormCapability,
  HOURS_KEYS,
  levelBand,
  type Segment,
  type Survey,
  segmentFor,
  type Touchpoint,
  tenureBand,
  validateAnswers,
} from '../surveys/model.ts';
import {
  answerParts,
  capabilitiesFor,
  closeSurvey,
  createSurvey,
  openSurvey,
  PARTICIPATION,
  pulseCooldownDays,
  type SurveyDeps,
  submitPulse,
} from '../surveys/service.ts';
import { insertHashes, inviteeCells } from '../surveys/store.ts';
import type { DemoContext, DemoPart } from './generator.ts';
import { demoAccounts } from './model.ts';
import { PLATFORM_TEAM_REF } from './org.ts';
import type { Random } from './random.ts';
import {
  FIX_ANSWERS,
  MIGRATION_COMMENTS,
  MIGRATION_FIXES,
  MIGRATION_PULSES,
  type Phase,
  PULSE_COMMENTS,
  SURVEY_COMMENTS,
  type Tone,
} from './survey-texts.ts';

/** The capability teams were forced onto: its CSAT drops in the survey after the move. */
export const FORCED_MIGRATION = 'ci-runners';
/** The capability whose deprecation forced the move (its successor is FORCED_MIGRATION). */
export const MIGRATED_FROM = 'legacy-build-farm';

/** Closed quarterly surveys before the current quarter's open one. */
export const CLOSED_SURVEYS = 8;

/**
 * The story per survey, oldest first; the last entry is the open survey's
 * answers so far. NPS is hit closely (promoters and detractors are assigned
 * by rank), the rest are the probabilities answers are drawn with.
 */
const STORY = {
  nps: [13, 18, 23, 29, 35, 41, 47, 54, 55],
  detractors: [0.3, 0.28, 0.25, 0.22, 0.19, 0.16, 0.13, 0.1, 0.1],
  responseRate: [0.48, 0.51, 0.55, 0.58, 0.62, 0.65, 0.69, 0.72, 0.38],
  highLoad: [0.48, 0.45, 0.42, 0.38, 0.34, 0.3, 0.27, 0.24, 0.23],
  /** The typical hours-lost bucket (0 none … 5 more than 8 hours). */
  hoursLost: [3.1, 2.9, 2.7, 2.5, 2.25, 2.0, 1.8, 1.6, 1.55],
};

/** How far the forced migration's CSAT top-2-box falls, by surveys since the move. */
const MIGRATION_DROP = [0.42, 0.3, 0.18, 0.1, 0.05];

const DAY = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** One survey of the demo: its quarter and dates; `closeAt` null for the open one. */
export interface DemoRound {
  index: number;
  period: string;
  opensOn: string;
  closesOn: string;
  openAt: Date;
  closeAt: Date | null;
}

/**
 * The demo's surveys: the eight quarters before today's, each open for two
 * weeks from the fifth week of its quarter, and the current quarter's, open
 * today and closing at least a week from now.
 */
export function surveyRounds(today: string): DemoRound[] {
  const periods: Period[] = [quarterOf(new Date(`${today}T00:00:00Z`))];
  while (periods.length <= CLOSED_SURVEYS) periods.unshift(previousPeriod(periods[0]!));
  return periods.map((period, index) => {
    const start = period.start.slice(0, 10);
    if (index < CLOSED_SURVEYS) {
      const opensOn = addDays(start, 35);
      const closesOn = addDays(opensOn, 14);
      return {
        index,
        period: period.key,
        opensOn,
        closesOn,
        openAt: new Date(`${opensOn}T08:00:00Z`),
        // The schedule closes a survey the night after its closing day.
        closeAt: new Date(`${addDays(closesOn, 1)}T02:00:00Z`),
      };
    }
    // Open by today (a few days in, when the quarter allows), closing a week from now at the earliest.
    const wanted = addDays(start, 35);
    const latest = addDays(today, -6);
    const earlier = [wanted, latest].sort()[0]!;
    const opensOn = [earlier, start].sort()[1]!;
    const closesOn = [addDays(opensOn, 14), addDays(today, 7)].sort()[1]!;
    return {
      index,
      period: period.key,
      opensOn,
      closesOn,
      openAt: new Date(`${opensOn}T08:00:00Z`),
      closeAt: null,
    };
  });
}

/**
 * The demo's transaction as a database whose nested transactions run inline:
 * Kysely has none, and the whole demo commits or rolls back as one anyway.
 */
function inlineTransactions(trx: Db): Db {
  const inline: Db = new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') {
        return () => ({ execute: <T>(fn: (db: Db) => Promise<T>) => fn(inline) });
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return inline;
}

/** Random ids like newId's, cut from one buffer: a random read per id costs more than its insert. */
function idSource(): () => string {
  let buffer = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 12 > buffer.length) {
      buffer = randomBytes(12 * 4096);
      at = 0;
    }
    const id = buffer.subarray(at, at + 12).toString('base64url');
    at += 12;
    return id;
  };
}

/** Someone of the organisation, with how they feel about the platform and how keen their team is to answer. */
interface Member {
  person: Person;
  /** Above 0: happier than most (stable across surveys, shared a little with the team). */
  mood: number;
  /** Multiplies the survey's response rate. */
  keenness: number;
  actor: Actor;
}

function membersOf(ctx: DemoContext, rng: Random): Member[] {
  const { teams, people } = ctx.produced.org;
  const byId = new Map(teams.map((t) => [t.id, t]));
  const platform = teams.find((t) => t.ref === PLATFORM_TEAM_REF);
  const underPlatform = (teamId: string | null) => {
    for (
      let id = teamId, guard = 0;
      id && guard < 50;
      id = byId.get(id)?.parentId ?? null, guard++
    ) {
      if (id === platform?.id) return true;
    }
    return false;
  };
  const teamMood = new Map<string, number>();
  const teamKeenness = new Map<string, number>();
  for (const t of teams) {
    teamMood.set(t.id, rng.normal(0, 0.45) + (underPlatform(t.id) ? 0.35 : 0));
    teamKeenness.set(t.id, clamp(rng.normal(1, 0.18), 0.6, 1.35));
  }
  return people
    .filter((p) => p.inactiveSince === null)
    .map((person) => ({
      person,
      mood: rng.normal(teamMood.get(person.teamId ?? '') ?? 0, 0.9),
      keenness: teamKeenness.get(person.teamId ?? '') ?? 1,
      actor: {
        userId: `demo-person:${person.id}`,
        email: person.email ?? '',
        name: person.name,
        role: 'developer',
        personId: person.id,
        teamId: person.teamId,
        teamIds: person.teamId ? [person.teamId] : [],
        via: 'session',
      },
    }));
}

/** The capability's CSAT top-2-box share as of a survey (or pulse) in the story. */
interface Experience {
  /** Top-2-box share for a survey index (fractional for months between surveys). */
  at(capability: Capability, round: number, sinceMove: number | null): number;
}

function experience(rng: Random, capabilities: readonly Capability[]): Experience {
  const base = new Map<string, number>();
  for (const c of [...capabilities].sort((a, b) => a.slug.localeCompare(b.slug))) {
    base.set(c.id, 0.5 + 0.25 * rng.next());
  }
  return {
    at(capability, round, sinceMove) {
      if (capability.slug === FORCED_MIGRATION) {
        const step = sinceMove === null ? 0 : (MIGRATION_DROP[Math.floor(sinceMove)] ?? 0);
        return clamp(0.7 + 0.012 * round - step, 0.05, 0.92);
      }
      const b = base.get(capability.id) ?? 0.6;
      if (capability.stage === 'deprecated') return clamp(b - 0.035 * round, 0.1, 0.9);
      return clamp(b + 0.025 * round, 0.1, 0.9);
    },
  };
}

const weighted = (rng: Random, pairs: ReadonlyArray<readonly [number, number]>) =>
  rng.weighted(pairs);
const DETRACTOR_SCORES = [
  [0, 2],
  [1, 1],
  [2, 2],
  [3, 4],
  [4, 6],
  [5, 10],
  [6, 14],
] as const;

type Rank = 'top' | 'middle' | 'bottom';

/**
 * Splits people into top, middle and bottom by a noisy score, with exactly
 * the shares asked for: the demo's headline figures land where the story says.
 */
function byRank<T>(
  rng: Random,
  items: readonly T[],
  score: (item: T) => number,
  top: number,
  bottom: number,
): Map<T, Rank> {
  const ranked = items
    .map((item) => ({ item, s: score(item) + rng.normal(0, 0.7) }))
    .sort((a, b) => b.s - a.s);
  const n = ranked.length;
  const nTop = Math.min(n, Math.round(top * n));
  const nBottom = Math.min(n - nTop, Math.round(bottom * n));
  const out = new Map<T, Rank>();
  ranked.forEach(({ item }, i) => {
    out.set(item, i < nTop ? 'top' : i >= n - nBottom ? 'bottom' : 'middle');
  });
  return out;
}

/** The survey's custom questions: a changelog rating on the last closed one, a wish on the open one. */
function customQuestionsFor(round: number) {
  if (round === CLOSED_SURVEYS - 1) {
    return [
      {
        kind: 'rating' as const,
        prompt: 'How useful is the platform changelog to you?',
        required: false,
      },
    ];
  }
  if (round === CLOSED_SURVEYS) {
    return [
      {
        kind: 'text' as const,
        prompt: 'Which capability should the platform build next?',
        required: false,
      },
    ];
  }
  return [];
}

const WISHES = [
  'Self-service databases',
  'Internal docs search',
  'Cost per service in the portal',
  'Test data on demand',
  'A faster local development loop',
];

interface RoundContext {
  round: DemoRound;
  phase: Phase;
  questions: CustomQuestion[];
  /** Capabilities each team rated in this survey (on it then, and asked about now). */
  rated: (teamId: string | null) => FormCapability[];
  form: (teamId: string | null) => FormCapability[];
  /** Surveys since the forced migration, or null before it. */
  sinceMove: number | null;
}

/** One respondent's answers, drawn from the story. */
function answersFor(
  rng: Random,
  rc: RoundContext,
  member: Member,
  npsClass: Rank | undefined,
  /** `top`: high cognitive load. */
  loadClass: Rank | undefined,
  csatClass: Map<string, Rank>,
): Answers {
  const r = rc.round.index;
  const answers: Answers = {};
  if (npsClass) {
    answers.nps =
      npsClass === 'top'
        ? rng.chance(0.45)
          ? 10
          : 9
        : npsClass === 'middle'
          ? rng.chance(0.5)
            ? 8
            : 7
          : weighted(rng, DETRACTOR_SCORES);
  }
  if (loadClass) {
    answers.cognitiveLoad =
      loadClass === 'top'
        ? rng.chance(0.65)
          ? 4
          : 5
        : weighted(rng, [
            [1, 2],
            [2, 5],
            [3, 6],
          ]);
  }
  if (rng.chance(0.9)) {
    const bucket = Math.round(STORY.hoursLost[r]! - 0.55 * member.mood + rng.normal(0, 0.85));
    answers.hoursLost = HOURS_KEYS[clamp(bucket, 0, HOURS_KEYS.length - 1)];
  }
  let migrationPain = false;
  const capabilities: NonNullable<Answers['capabilities']> = {};
  for (const [slug, cls] of csatClass) {
    const csat =
      cls === 'top'
        ? rng.chance(0.6)
          ? 4
          : 5
        : weighted(rng, [
            [1, 2],
            [2, 4],
            [3, 8],
          ]);
    const rating: { csat: number; effort?: number } = { csat };
    if (rng.chance(0.9)) {
      rating.effort =
        cls === 'top'
          ? rng.chance(0.88)
            ? weighted(rng, [
                [5, 3],
                [6, 4],
                [7, 3],
              ])
            : 4
          : weighted(rng, [
              [2, 2],
              [3, 4],
              [4, 4],
              [5, 2],
            ]);
    }
    capabilities[slug] = rating;
    if (slug === FORCED_MIGRATION && cls !== 'top' && rc.sinceMove !== null && rc.sinceMove < 2) {
      migrationPain = true;
    }
  }
  if (Object.keys(capabilities).length > 0) answers.capabilities = capabilities;
  const tone: Tone =
    npsClass === 'bottom'
      ? 'negative'
      : npsClass === 'top'
        ? 'positive'
        : npsClass === 'middle'
          ? 'neutral'
          : member.mood < -0.5
            ? 'negative'
            : 'neutral';
  if (rng.chance(tone === 'negative' ? 0.45 : 0.32)) {
    answers.comment =
      migrationPain && rng.chance(0.6)
        ? rng.pick(MIGRATION_COMMENTS)
        : rng.pick(SURVEY_COMMENTS[rc.phase][tone]);
  }
  if (rng.chance(0.28)) {
    answers.fix =
      migrationPain && rng.chance(0.5)
        ? rng.pick(MIGRATION_FIXES)
        : rng.pick(FIX_ANSWERS[rc.phase]);
  }
  const custom: NonNullable<Answers['custom']> = {};
  for (const q of rc.questions) {
    if (q.kind === 'rating' && rng.chance(0.7)) {
      custom[q.id] = clamp(Math.round(3.6 + 0.8 * member.mood + rng.normal(0, 0.8)), 1, 5);
    } else if (q.kind === 'text' && rng.chance(0.3)) {
      custom[q.id] = rng.pick(WISHES);
    }
  }
  if (Object.keys(custom).length > 0) answers.custom = custom;
  if (Object.keys(answers).length === 0) answers.nps = 8;
  return answers;
}

/** Who acts for the platform team in the demo: its account (or the admin's). */
async function platformActor(ctx: DemoContext): Promise<Actor> {
  const accounts = await getSetting(ctx.db, demoAccounts);
  const account =
    accounts.find((a) => a.role === 'platform') ?? accounts.find((a) => a.role === 'admin');
  const user = account
    ? await ctx.db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role'])
        .where('email', '=', account.email.toLowerCase())
        .executeTakeFirst()
    : undefined;
  if (!user) throw new Error('The surveys demo needs the accounts part before it.');
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Actor['role'],
    personId: null,
    teamId: null,
    teamIds: [],
    via: 'session',
  };
}

/** Emails of the demo's own sign-ins: they leave the open survey and recent pulses for whoever tries paved. */
async function demoEmails(ctx: DemoContext): Promise<Set<string>> {
  return new Set((await getSetting(ctx.db, demoAccounts)).map((a) => a.email.toLowerCase()));
}

/** Stamps a survey and its audit rows with the demo's times instead of now. */
async function backdate(db: Db, survey: Survey, times: Record<string, Date>, createdAt: Date) {
  const last = new Date(
    Math.max(createdAt.getTime(), ...Object.values(times).map((t) => t.getTime())),
  );
  await db
    .updateTable('surveys')
    .set({ created_at: createdAt.toISOString(), updated_at: last.toISOString() })
    .where('id', '=', survey.id)
    .execute();
  for (const [action, at] of Object.entries({ 'survey.create': createdAt, ...times })) {
    await db
      .updateTable('audit_log')
      .set({ at: at.toISOString() })
      .where('target_type', '=', 'survey')
      .where('target_id', '=', survey.id)
      .where('action', '=', action)
      .execute();
  }
}

/**
 * Opens a survey as of its opening day: people who joined later are set
 * aside for that moment (the org has grown since), so the invitations are
 * the people who were there.
 */
async function openAsOf(
  deps: SurveyDeps,
  db: Db,
  survey: Survey,
  round: DemoRound,
  members: Member[],
) {
  const later = members
    .filter((m) => m.person.startDate !== null && m.person.startDate > round.opensOn)
    .map((m) => m.person.id);
  for (const ids of chunk(later, 1000)) {
    await db
      .updateTable('people')
      .set({ inactive_since: round.opensOn })
      .where('id', 'in', ids)
      .execute();
  }
  const opened = await openSurvey(deps, null, survey.id, round.openAt);
  for (const ids of chunk(later, 1000)) {
    await db.updateTable('people').set({ inactive_since: null }).where('id', 'in', ids).execute();
  }
  return opened;
}

/** The tables that hold answers, which the demo writes in batches. */
type AnonymousTable =
  | 'survey_responses'
  | 'survey_answers'
  | 'survey_ratings'
  | 'survey_comments'
  | 'pulses';
type Rows<T extends AnonymousTable> = Insertable<Database[T]>[];

/** Inserts rows in batches, shuffled so that not even PostgreSQL's heap order follows the people. */
async function insertShuffled<T extends AnonymousTable>(
  db: Db,
  rng: Random,
  table: T,
  rows: Rows<T>,
  columns: number,
) {
  for (const part of chunk(rng.shuffle(rows), batchSize(columns))) {
    await db.insertInto(table).values(part).execute();
  }
}

/**
 * Writes one survey's answers as the service does, in batches: a
 * participation hash per respondent, and a respondent row plus each answer,
 * rating and comment as its own row with a random id and the respondent's
 * segment coarsened over the invitee cells.
 */
async function writeAnswers(
  ctx: DemoContext,
  deps: SurveyDeps,
  rng: Random,
  survey: Survey,
  rc: RoundContext,
  respondents: Member[],
  exp: Experience,
  capabilities: Map<string, Capability>,
  parentOf: (teamId: string) => string | null,
): Promise<void> {
  const db = ctx.db;
  const where = coarsenCells(await inviteeCells(db, survey.id), survey.k ?? 5, parentOf);
  const r = rc.round.index;
  const at = survey.openedAt ?? rc.round.openAt.toISOString();

  // Headline figures by rank, so each survey tells the story at any size.
  const npsAnswering = respondents.filter(() => rng.chance(0.97));
  const d = STORY.detractors[r]!;
  const npsClass = byRank(rng, npsAnswering, (m) => m.mood, d + STORY.nps[r]! / 100, d);
  const loadAnswering = respondents.filter(() => rng.chance(0.92));
  const loadClass = byRank(rng, loadAnswering, (m) => -m.mood, STORY.highLoad[r]!, 0);
  const csatClass = new Map<Member, Map<string, Rank>>(respondents.map((m) => [m, new Map()]));
  const raters = new Map<string, Member[]>();
  for (const m of respondents) {
    for (const c of rc.rated(m.person.teamId)) {
      if (!rng.chance(0.88)) continue;
      const list = raters.get(c.slug) ?? [];
      list.push(m);
      raters.set(c.slug, list);
    }
  }
  for (const [slug, people] of raters) {
    const capability = capabilities.get(slug)!;
    const share = exp.at(capability, r, rc.sinceMove);
    for (const [m, cls] of byRank(rng, people, (p) => p.mood, share, 0)) {
      csatClass.get(m)!.set(slug, cls === 'top' ? 'top' : 'bottom');
    }
  }

  const id = idSource();
  const responses: Rows<'survey_responses'> = [];
  const scalars: Rows<'survey_answers'> = [];
  const ratings: Rows<'survey_ratings'> = [];
  const comments: Rows<'survey_comments'> = [];
  const hashes: string[] = [];
  for (const member of respondents) {
    const answers = answersFor(
      rng,
      rc,
      member,
      npsClass.get(member),
      loadClass.get(member),
      csatClass.get(member)!,
    );
    const form = { capabilities: rc.form(member.person.teamId), questions: rc.questions };
    const problems = validateAnswers(answers, form);
    if (problems.length > 0) {
      throw new Error(`The demo drew answers the survey refuses: ${JSON.stringify(problems)}`);
    }
    const parts = answerParts(answers, form);
    const own: Segment = {
      teamId: member.person.teamId,
      tenureBand: tenureBand(member.person.startDate, at),
      levelBand: levelBand(member.person.level),
    };
    const s = segmentFor(own, where, parentOf);
    const segment = () => ({
      id: id(),
      survey_id: survey.id,
      team_id: s.teamId,
      tenure_band: s.tenureBand,
      level_band: s.levelBand,
    });
    responses.push(segment());
    for (const a of parts.answers) scalars.push({ ...segment(), ...a });
    for (const x of parts.ratings) {
      ratings.push({
        ...segment(),
        capability_id: x.capabilityId,
        csat: x.csat,
        effort: x.effort,
      });
    }
    for (const c of parts.comments) comments.push({ ...segment(), ...c });
    hashes.push(deps.secret.hmac(PARTICIPATION, survey.id, member.person.id));
  }
  await insertHashes(db, 'survey_participation', survey.id, rng.shuffle(hashes));
  await insertShuffled(db, rng, 'survey_responses', responses, 5);
  await insertShuffled(db, rng, 'survey_answers', scalars, 7);
  await insertShuffled(db, rng, 'survey_ratings', ratings, 8);
  await insertShuffled(db, rng, 'survey_comments', comments, 7);
}

/** The capabilities a team was on at a moment: trial or adopted, or mandatory and mandated by then. */
async function ratedAt(
  db: Db,
  at: Date,
  mandates: Map<string, string>,
  capabilities: readonly Capability[],
): Promise<(teamId: string | null, form: FormCapability[]) => FormCapability[]> {
  const states = new Map(
    (await ledgerStates(db, { at: at.toISOString() })).map((s) => [
      `${s.teamId} ${s.capabilityId}`,
      s.state,
    ]),
  );
  const byId = new Map(capabilities.map((c) => [c.id, c]));
  return (teamId, form) =>
    form.filter((f) => {
      const state = states.get(`${teamId} ${f.id}`) ?? 'none';
      if (state === 'trial' || state === 'adopted') return true;
      const mandated = mandates.get(f.id);
      return (
        byId.get(f.id)?.obligation === 'mandatory' &&
        mandated !== undefined &&
        mandated < at.toISOString() &&
        state !== 'exempt'
      );
    });
}

/** What each team is asked about today (the form's capabilities), by team. */
type Forms = Map<string | null, FormCapability[]>;

/** What the surveys and pulses of the demo share. */
interface Story {
  deps: SurveyDeps;
  forms: Forms;
  members: Member[];
  capabilities: Capability[];
  /** When each mandatory capability was mandated, by capability id. */
  mandates: Map<string, string>;
  exp: Experience;
  /** When teams were forced onto FORCED_MIGRATION (its predecessor deprecated), or null. */
  movedAt: string | null;
}

async function writeSurveys(ctx: DemoContext, story: Story): Promise<void> {
  const { deps, forms, members, capabilities, mandates, exp, movedAt } = story;
  const db = ctx.db;
  const rng = ctx.rng;
  const platform = await platformActor(ctx);
  const skipOpen = await demoEmails(ctx);
  const teams = ctx.produced.org.teams;
  const parent = new Map(teams.map((t) => [t.id, t.parentId]));
  const parentOf = (teamId: string) => parent.get(teamId) ?? null;
  const bySlug = new Map(capabilities.map((c) => [c.slug, c]));
  const form = (teamId: string | null) => forms.get(teamId) ?? [];
  const rounds = surveyRounds(ctx.today);
  const firstAfter = rounds.findIndex((r) => movedAt !== null && r.openAt.toISOString() > movedAt);

  for (const round of rounds) {
    const open = round.closeAt === null;
    ctx.progress(`Survey ${round.period}: opening…`);
    const createdAt = new Date(round.openAt.getTime() - 7 * DAY);
    const created = await createSurvey(
      deps.handle.db,
      { actor: platform, ip: null },
      {
        title: `Developer experience survey ${round.period}`,
        period: round.period,
        audience: 'all',
        opensOn: round.opensOn,
        closesOn: round.closesOn,
        questions: customQuestionsFor(round.index),
      },
    );
    const survey = await openAsOf(deps, db, created, round, members);
    const isRated = await ratedAt(db, round.openAt, mandates, capabilities);
    const rc: RoundContext = {
      round,
      phase: round.index <= 2 ? 'early' : round.index <= 5 ? 'middle' : 'late',
      questions: survey.questions,
      form,
      rated: (teamId) => isRated(teamId, form(teamId)),
      sinceMove: firstAfter >= 0 && round.index >= firstAfter ? round.index - firstAfter : null,
    };
    const present = members.filter(
      (m) => m.person.startDate === null || m.person.startDate <= round.opensOn,
    );
    const respondents = present.filter(
      (m) =>
        !(open && skipOpen.has((m.person.email ?? '').toLowerCase())) &&
        rng.chance(clamp(STORY.responseRate[round.index]! * m.keenness, 0.1, 0.95)),
    );
    ctx.progress(
      `Survey ${round.period}: ${respondents.length.toLocaleString('en')} of ${(survey.invited ?? 0).toLocaleString('en')} invited answer${open ? ' so far' : ''}…`,
    );
    await writeAnswers(ctx, deps, rng, survey, rc, respondents, exp, bySlug, parentOf);
    const times: Record<string, Date> = { 'survey.open': round.openAt };
    if (round.closeAt) {
      ctx.progress(`Survey ${round.period}: closing…`);
      await closeSurvey(deps, null, survey.id, round.closeAt);
      times['survey.close'] = round.closeAt;
    }
    await backdate(db, survey, times, createdAt);
  }
}

const TOUCHPOINT_OF: Record<string, Touchpoint> = {
  'deploy-pipeline': 'deploy',
  'ci-runners': 'pipeline',
  'legacy-build-farm': 'pipeline',
  'preview-environments': 'deploy',
  'developer-portal': 'docs',
  'service-templates': 'onboarding',
  'secrets-manager': 'support',
};

/** Months of pulses: the twelve completed months before the current one, and the current one so far. */
const PULSE_MONTHS = 13;

/**
 * A year of pulses per capability: more for the widely used ones, with
 * ratings that follow the story (the forced migration's dip included).
 * Pulses older than the cooldown are written in batches (their throttle
 * records would be gone by now); recent ones go through the service, so
 * their throttle records are the real ones.
 */
async function writePulses(ctx: DemoContext, story: Story): Promise<void> {
  const { deps, forms, members, capabilities, mandates, exp, movedAt } = story;
  const { db, rng } = ctx;
  const cooldown = await getSetting(db, pulseCooldownDays);
  const windowStart = addDays(ctx.today, -(cooldown - 1));
  const skip = await demoEmails(ctx);
  const rounds = surveyRounds(ctx.today);
  const roundAt = (day: string) => {
    // The story's survey index for a day, fractional between surveys.
    const t = Date.parse(`${day}T00:00:00Z`);
    const times = rounds.map((r) => r.openAt.getTime());
    if (t <= times[0]!) return 0;
    for (let i = 1; i < times.length; i++) {
      if (t <= times[i]!) return i - 1 + (t - times[i - 1]!) / (times[i]! - times[i - 1]!);
    }
    return times.length - 1;
  };
  const rate = ctx.size === 'small' ? 0.12 : 0.015;
  const thisMonth = ctx.today.slice(0, 7);
  const first = new Date(`${thisMonth}-01T00:00:00Z`);
  first.setUTCMonth(first.getUTCMonth() - (PULSE_MONTHS - 1));
  const id = idSource();
  const old: Rows<'pulses'> = [];
  const recent: Array<{
    day: string;
    member: Member;
    capability: Capability;
    rating: number;
    comment?: string;
    touchpoint?: Touchpoint;
  }> = [];
  for (let m = 0; m < PULSE_MONTHS; m++) {
    const start = new Date(first);
    start.setUTCMonth(start.getUTCMonth() + m);
    const month = start.toISOString().slice(0, 7);
    const end = new Date(start);
    end.setUTCMonth(end.getUTCMonth() + 1);
    const lastDay = month === thisMonth ? ctx.today : addDays(end.toISOString().slice(0, 10), -1);
    const days = Math.round((Date.parse(`${lastDay}T00:00:00Z`) - start.getTime()) / DAY) + 1;
    const isRated = await ratedAt(db, start, mandates, capabilities);
    const onIt = new Map<string | null, Set<string>>();
    for (const [teamId, form] of forms) {
      onIt.set(teamId, new Set(isRated(teamId, form).map((c) => c.id)));
    }
    const here = members.filter(
      (u) => u.person.startDate === null || u.person.startDate <= lastDay,
    );
    for (const capability of capabilities) {
      if (capability.stage === 'idea' || capability.stage === 'retired') continue;
      const users = here.filter((u) => onIt.get(u.person.teamId)?.has(capability.id));
      const mean = users.length * rate * (days / 30);
      const count = clamp(Math.round(rng.normal(mean, Math.sqrt(mean))), 0, users.length);
      for (const member of rng.sample(users, count)) {
        const day = addDays(`${month}-01`, rng.int(0, days - 1));
        const monthsSince =
          capability.slug === FORCED_MIGRATION && movedAt && `${day}T00:00:00Z` > movedAt
            ? (Date.parse(`${day}T00:00:00Z`) - Date.parse(movedAt)) / (30 * DAY)
            : null;
        // Pulses follow the surveys' story; right after the move the dip is deepest.
        const since = monthsSince === null ? null : monthsSince / 3;
        const share = clamp(exp.at(capability, roundAt(day), since) + 0.04, 0.05, 0.95);
        const rating = rng.chance(share)
          ? rng.chance(0.55)
            ? 4
            : 5
          : rng.weighted([
              [1, 2],
              [2, 4],
              [3, 7],
            ] as const);
        let comment: string | undefined;
        if (rng.chance(0.22)) {
          const pool =
            rating <= 2
              ? monthsSince !== null && monthsSince < 4
                ? MIGRATION_PULSES
                : PULSE_COMMENTS.low
              : rating === 3
                ? PULSE_COMMENTS.mid
                : PULSE_COMMENTS.high;
          comment = rng.pick(pool).replace('{name}', capability.name);
        }
        const touchpoint =
          TOUCHPOINT_OF[capability.slug] ??
          rng.pick<Touchpoint | undefined>(['support', 'docs', undefined]);
        if (day >= windowStart) {
          if (!skip.has((member.person.email ?? '').toLowerCase())) {
            recent.push({
              day,
              member,
              capability,
              rating,
              ...(comment && { comment }),
              ...(touchpoint && { touchpoint }),
            });
          }
        } else {
          old.push({
            id: id(),
            capability_id: capability.id,
            touchpoint: touchpoint ?? null,
            rating,
            comment: comment ?? null,
            month: day.slice(0, 7),
          });
        }
      }
    }
  }
  ctx.progress(`Writing ${(old.length + recent.length).toLocaleString('en')} pulses…`);
  await insertShuffled(db, rng, 'pulses', old, 6);
  // One pulse per person and capability inside the cooldown, oldest first, as the throttle allows.
  const lastPulse = new Map<string, string>();
  for (const p of recent.sort((a, b) => a.day.localeCompare(b.day))) {
    const key = `${p.member.person.id} ${p.capability.id}`;
    const last = lastPulse.get(key);
    if (last && addDays(last, cooldown) > p.day) continue;
    lastPulse.set(key, p.day);
    await submitPulse(
      deps,
      p.member.actor,
      {
        capability: p.capability.slug,
        rating: p.rating,
        ...(p.comment && { comment: p.comment }),
        ...(p.touchpoint && { touchpoint: p.touchpoint }),
      },
      new Date(`${p.day}T12:00:00Z`),
    );
  }
}

/**
 * When teams were forced onto FORCED_MIGRATION: the day its predecessor was
 * deprecated (the decision log has it), else the day it was mandated.
 */
export async function movedAtOf(
  db: Db,
  capabilities: readonly Capability[],
  mandates: ReadonlyMap<string, string>,
): Promise<string | null> {
  const from = capabilities.find((c) => c.slug === MIGRATED_FROM);
  const deprecated = from
    ? await db
        .selectFrom('decisions')
        .select('at')
        .where('capability_id', '=', from.id)
        .where('kind', '=', 'stage.changed')
        .where('summary', 'like', '%→ deprecated')
        .orderBy('at')
        .executeTakeFirst()
    : undefined;
  if (deprecated) return deprecated.at;
  const to = capabilities.find((c) => c.slug === FORCED_MIGRATION);
  return (to && mandates.get(to.id)) ?? null;
}

/**
 * Eight closed quarterly surveys of the whole organisation and the current
 * quarter's open one (the demo's own sign-ins have not answered it), and a
 * year of pulses per capability.
 */
export const surveysPart: DemoPart = {
  name: 'surveys',
  async run(ctx) {
    const deps: SurveyDeps = {
      handle: {
        db: inlineTransactions(ctx.db),
        engine: ctx.engine,
        location: 'demo',
        close: async () => {},
      },
      config: loadConfig({}),
      log: createLogger('silent'),
      secret: ctx.secret,
      mailer: null,
    };
    const capabilities = ctx.produced.capabilities ?? (await listCapabilities(ctx.db));
    const mandates = new Map(
      (await ctx.db.selectFrom('mandates').select(['capability_id', 'recorded_at']).execute()).map(
        (m) => [m.capability_id, m.recorded_at],
      ),
    );
    const members = membersOf(ctx, ctx.rng);
    const exp = experience(ctx.rng, capabilities);
    const forms: Forms = new Map();
    for (const teamId of new Set(members.map((m) => m.person.teamId))) {
      forms.set(teamId, await capabilitiesFor(ctx.db, teamId));
    }
    const story: Story = {
      deps,
      forms,
      members,
      capabilities,
      mandates,
      exp,
      movedAt: await movedAtOf(ctx.db, capabilities, mandates),
    };
    await writeSurveys(ctx, story);
    await writePulses(ctx, story);
  },
};
