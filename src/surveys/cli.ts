// User commands for surveys and pulses (`paved survey …`, `paved pulse …`):
// they call the HTTP API with your token, so results come out exactly as the
// API gives them — through every anonymity rule, never recomputed here.

import { readFileSync } from 'node:fs';
import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { fetchAll, printJson, wrap } from '../capabilities/cli-support.ts';
import {
  bold,
  CliError,
  canPrompt,
  confirmOrForce,
  EXIT,
  formatTable,
  type Io,
  isAccessible,
  withJson,
} from '../core/cli.ts';
import { type ApiClient, apiClient } from '../core/client.ts';
import type {
  FormSchema,
  ProgressSchema,
  PulseAcceptedSchema,
  ResultsSchema,
  SurveyDetailSchema,
  SurveySchema,
} from './api-schemas.ts';
import { CUSTOM_KINDS, HOURS_KEYS, SURVEY_STATES, TOUCHPOINTS } from './model.ts';
import { DIMENSIONS } from './results-cuts.ts';
import {
  BY_WORDS,
  changeText,
  dayWords,
  hours,
  hoursText,
  npsText,
  periodWords,
  rateText,
  shareText,
  signed,
} from './words.ts';

type SurveyJson = z.infer<typeof SurveySchema>;
type DetailJson = z.infer<typeof SurveyDetailSchema>;
type FormJson = z.infer<typeof FormSchema>;
type ResultsJson = z.infer<typeof ResultsSchema>;
type ProgressJson = z.infer<typeof ProgressSchema>;
type PulseJson = z.infer<typeof PulseAcceptedSchema>;
type CutJson = ResultsJson['cuts'][number];

/** The words shared/UX.md gives for a hidden figure (the API sends them as each hidden figure's note). */
const HIDDEN_FALLBACK =
  'Not shown to keep answers anonymous — too few answers here, or showing it would reveal a smaller group’s answers.';

const STATE_WORDS: Record<string, string> = { draft: 'Draft', open: 'Open', closed: 'Closed' };

/** Answers as the API takes them (`POST /surveys/{id}/responses`). */
interface AnswersJson {
  nps?: number;
  comment?: string;
  fix?: string;
  cognitiveLoad?: number;
  hoursLost?: string;
  capabilities?: Record<string, { csat?: number; effort?: number }>;
  custom?: Record<string, number | string>;
}

const ANSWER_FLAGS =
  '--nps, --cognitive-load, --hours-lost, --csat, --effort, --comment, --fix, --custom or --answers file.json';

const collect = (value: string, previous: string[]) => [...previous, value];
const surveyPath = (id: string, rest = '') => `/surveys/${encodeURIComponent(id)}${rest}`;

/** A whole number in a range from a flag, or a usage error naming the flag. */
function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${flag} ${text}: give a whole number from ${min} to ${max}.`, EXIT.usage);
  }
  return n;
}

/** `slug=value` pairs from a repeatable flag. */
function pairs(flag: string, values: string[]): [string, string][] {
  return values.map((v) => {
    const m = /^([^=\s]+)=(.*)$/.exec(v);
    if (!m) {
      throw new CliError(
        `${flag} ${v}: write it as name=value, like ${flag} deploy-pipeline=4.`,
        EXIT.usage,
      );
    }
    return [m[1]!, m[2]!];
  });
}

interface AnswerOpts {
  nps?: string;
  cognitiveLoad?: string;
  hoursLost?: string;
  comment?: string;
  fix?: string;
  csat: string[];
  effort: string[];
  custom: string[];
  answers?: string;
  input: boolean;
  json?: boolean;
}

/** True when any answer came as a flag or a file. */
const hasAnswerFlags = (o: AnswerOpts) =>
  [o.nps, o.cognitiveLoad, o.hoursLost, o.comment, o.fix, o.answers].some((v) => v !== undefined) ||
  o.csat.length + o.effort.length + o.custom.length > 0;

async function readAnswersFile(io: Io, path: string): Promise<AnswersJson> {
  let text: string;
  try {
    text =
      path === '-' ? await (io.stdin?.read() ?? Promise.resolve('')) : readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(
      `${path} is not JSON: write {"nps": 8, "comment": "…"} (or {"answers": {…}}).`,
      EXIT.usage,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${path} must hold one JSON object of answers.`, EXIT.usage);
  }
  const obj = parsed as Record<string, unknown>;
  return (
    typeof obj.answers === 'object' && obj.answers !== null ? obj.answers : obj
  ) as AnswersJson;
}

/** The answers given by flags, over those of the file. */
async function answersFromFlags(io: Io, o: AnswerOpts, form: FormJson): Promise<AnswersJson> {
  const a: AnswersJson = o.answers ? await readAnswersFile(io, o.answers) : {};
  if (o.nps !== undefined) a.nps = wholeNumber('--nps', o.nps, 0, 10);
  if (o.cognitiveLoad !== undefined)
    a.cognitiveLoad = wholeNumber('--cognitive-load', o.cognitiveLoad, 1, 5);
  if (o.hoursLost !== undefined) {
    if (!(HOURS_KEYS as readonly string[]).includes(o.hoursLost)) {
      throw new CliError(
        `--hours-lost ${o.hoursLost}: choose one of ${HOURS_KEYS.join(', ')}.`,
        EXIT.usage,
      );
    }
    a.hoursLost = o.hoursLost;
  }
  if (o.comment !== undefined) a.comment = o.comment;
  if (o.fix !== undefined) a.fix = o.fix;
  for (const [flag, values, key, max] of [
    ['--csat', o.csat, 'csat', 5],
    ['--effort', o.effort, 'effort', 7],
  ] as const) {
    for (const [slug, value] of pairs(flag, values)) {
      a.capabilities = a.capabilities ?? {};
      a.capabilities[slug] = {
        ...a.capabilities[slug],
        [key]: wholeNumber(`${flag} ${slug}=`, value, 1, max),
      };
    }
  }
  const kinds = new Map(form.questions.custom.map((q) => [q.id, q.kind]));
  for (const [id, value] of pairs('--custom', o.custom)) {
    a.custom = a.custom ?? {};
    a.custom[id] = kinds.get(id) === 'rating' ? wholeNumber(`--custom ${id}=`, value, 1, 5) : value;
  }
  return a;
}

/** One question at a time on plain lines: numbered choices, Enter skips, nothing redrawn. */
class Asker {
  readonly accessible: boolean;
  private n = 0;
  constructor(
    private readonly io: Io,
    private readonly total: number,
  ) {
    this.accessible = isAccessible(io);
  }

  private async line(prompt: string): Promise<string> {
    const answer = await this.io.stdin!.readLine!(prompt);
    if (answer === null)
      throw new CliError('Input ended before the last question; nothing was sent.');
    return answer.trim();
  }

  private heading(prompt: string) {
    this.n++;
    this.io.err('');
    this.io.err(
      this.accessible
        ? `Question ${this.n} of ${this.total}: ${prompt}`
        : `${this.n}/${this.total} ${bold(this.io, prompt)}`,
    );
  }

  async scale(q: { prompt: string; min: number; max: number; minLabel: string; maxLabel: string }) {
    this.heading(q.prompt);
    const range = `Type a number from ${q.min} (${q.minLabel.toLowerCase()}) to ${q.max} (${q.maxLabel.toLowerCase()}), or press Enter to skip.`;
    if (this.accessible) this.io.err(range);
    else this.io.err(`  ${q.min} = ${q.minLabel} … ${q.max} = ${q.maxLabel}`);
    for (;;) {
      const text = await this.line(
        this.accessible ? 'Your answer: ' : `  [${q.min}–${q.max}, Enter to skip] `,
      );
      if (text === '') return undefined;
      const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (n >= q.min && n <= q.max) return n;
      this.io.err(`"${text}" is not a number from ${q.min} to ${q.max}. ${range}`);
    }
  }

  async choice(prompt: string, choices: { key: string; label: string }[]) {
    this.heading(prompt);
    for (const [i, c] of choices.entries()) this.io.err(`  ${i + 1}. ${c.label}`);
    const help = `Type the number of your choice, 1 to ${choices.length}, or press Enter to skip.`;
    if (this.accessible) this.io.err(help);
    for (;;) {
      const text = await this.line(
        this.accessible ? 'Your choice: ' : `  [1–${choices.length}, Enter to skip] `,
      );
      if (text === '') return undefined;
      const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (n >= 1 && n <= choices.length) return choices[n - 1]!.key;
      this.io.err(`"${text}" is not one of the choices. ${help}`);
    }
  }

  async text(prompt: string) {
    this.heading(prompt);
    if (this.accessible) this.io.err('Type your answer on one line, or press Enter to skip.');
    const text = await this.line(
      this.accessible ? 'Your answer: ' : '  [one line, Enter to skip] ',
    );
    return text === '' ? undefined : text;
  }

  async confirm(prompt: string): Promise<boolean> {
    this.io.err('');
    for (;;) {
      const text = (await this.line(`${prompt} [y/n] `)).toLowerCase();
      if (text === 'y' || text === 'yes') return true;
      if (text === 'n' || text === 'no') return false;
      this.io.err('Type y to send your answers, or n to stop without sending anything.');
    }
  }
}

/** Asks every question of the form in a terminal. */
async function askAnswers(io: Io, form: FormJson): Promise<AnswersJson> {
  const q = form.questions;
  const total = 5 + 2 * q.capabilities.length + q.custom.length;
  const ask = new Asker(io, total);
  const s = form.survey;
  io.err(`${s.title}${s.closesOn ? ` — closes ${dayWords(s.closesOn)}` : ''}`);
  io.err('About 4 minutes. Every question is optional: press Enter to skip one.');
  io.err(
    wrap(
      `Your answers are anonymous: paved stores them without your name, and nobody can link them to you. Results show only for groups of at least ${s.k ?? 5} people, comments for groups of at least ${s.kComment ?? 10}.`,
      '',
    ),
  );
  const a: AnswersJson = {};
  const set = <K extends keyof AnswersJson>(key: K, value: AnswersJson[K] | undefined) => {
    if (value !== undefined) a[key] = value;
  };
  set('nps', await ask.scale(q.nps));
  set('cognitiveLoad', await ask.scale(q.cognitiveLoad));
  set('hoursLost', await ask.choice(q.hoursLost.prompt, q.hoursLost.choices));
  for (const c of q.capabilities) {
    const csat = await ask.scale(c.csat);
    const effort = await ask.scale(c.effort);
    if (csat !== undefined || effort !== undefined) {
      a.capabilities = a.capabilities ?? {};
      a.capabilities[c.slug] = {
        ...(csat !== undefined ? { csat } : {}),
        ...(effort !== undefined ? { effort } : {}),
      };
    }
  }
  for (const c of q.custom) {
    const label = `${c.prompt} (for this survey only)`;
    const value = c.scale ? await ask.scale({ ...c.scale, prompt: label }) : await ask.text(label);
    if (value !== undefined) {
      a.custom = a.custom ?? {};
      a.custom[c.id] = value;
    }
  }
  set('comment', await ask.text(q.comment.prompt));
  set('fix', await ask.text(q.fix.prompt));
  if (Object.keys(a).length === 0) {
    throw new CliError('You skipped every question, so there is nothing to send.');
  }
  if (!(await ask.confirm('Send your answers?'))) throw new CliError('Nothing was sent.');
  return a;
}

/** A closed, answered or foreign survey cannot be answered: say why and what to do instead. */
function refuseAnswer(form: FormJson): void {
  const s = form.survey;
  if (s.state === 'closed') {
    throw new CliError(
      `${s.title} has closed and no longer takes answers. Read its results with paved survey results ${s.id}.`,
    );
  }
  if (s.state !== 'open') throw new CliError(`${s.title} is not open yet.`);
  if (form.answered) {
    throw new CliError(
      `You have already answered ${s.title}. Each person answers once, and because answers are anonymous they cannot be looked up or changed.`,
    );
  }
  if (!form.invited) {
    throw new CliError(
      `${s.title} does not ask you: it went to the teams chosen when it opened. You can read its results once it closes.`,
    );
  }
}

// ---- Results as text ----

type FigureJson = { status: 'shown' | 'empty' | 'hidden' };

function figure<T extends FigureJson>(f: T | null | undefined, words: (f: T) => string): string {
  if (!f || f.status === 'empty') return 'No answers';
  if (f.status === 'hidden') return 'Not shown';
  return words(f);
}

const npsOf = (f: CutJson['nps']) =>
  npsText({ score: f.score ?? null, n: f.n ?? 0, interval: f.interval ?? null });
const shareOf = (f: CutJson['cognitiveLoad']) =>
  shareText({ value: f.value ?? null, n: f.n ?? 0, interval: f.interval ?? null });

function resultsText(r: ResultsJson): string {
  const out: string[] = [];
  const hiddenText =
    r.cuts.flatMap((c) => [c.nps.note]).find((n) => n && n !== 'No answers.') ?? HIDDEN_FALLBACK;
  const root = r.cuts.find((c) => c.kind === 'all');
  out.push(`Results of ${r.survey.title} (${periodWords(r.survey.period)}), by ${BY_WORDS[r.by]}`);
  out.push('');
  if (root) {
    out.push('Everyone');
    if (root.status === 'hidden') out.push(wrap(hiddenText));
    out.push(wrap(`NPS: ${figure(root.nps, npsOf)}`));
    if (r.change) {
      out.push(
        wrap(
          `Change: ${changeText({ previousPeriod: r.change.previousPeriod, delta: r.change.delta, significant: r.change.significant })}`,
        ),
      );
    }
    if (root.responseRate) {
      const rr = root.responseRate;
      out.push(wrap(`Response rate: ${rateText(rr.value, rr.responded, rr.invited)}`));
    }
    out.push(wrap(`High mental effort (lower is better): ${figure(root.cognitiveLoad, shareOf)}`));
    out.push(
      wrap(
        `Hours lost a week (self-reported, an upper bound): ${figure(root.hoursLost, (h) =>
          hoursText({
            n: h.n ?? 0,
            median: h.median ?? null,
            trimmedMean: h.trimmedMean ?? null,
            fte: h.fte ?? 0,
          }),
        )}`,
      ),
    );
  }
  const groups = r.cuts.filter((c) => c.kind !== 'all');
  if (groups.length > 0) {
    out.push('', `By ${BY_WORDS[r.by]}`);
    out.push(
      formatTable(
        ['Group', 'Answers', 'NPS', '95% interval', 'High effort', 'Hours', 'Response'],
        groups.map((c) => {
          const indent = '  '.repeat(Math.max(0, c.depth - 1));
          if (c.status !== 'shown') {
            return [
              `${indent}${c.label}`,
              c.status === 'hidden' ? 'Not shown' : 'No answers',
              '',
              '',
              '',
              '',
              '',
            ];
          }
          const nps = c.nps;
          const load = c.cognitiveLoad;
          const h = c.hoursLost;
          return [
            `${indent}${c.label}`,
            String(c.respondents ?? ''),
            nps.status === 'shown' && nps.score != null ? signed(nps.score) : figure(nps, () => ''),
            nps.status === 'shown' && nps.interval
              ? `${signed(nps.interval.low)} to ${signed(nps.interval.high)}`
              : '',
            load.status === 'shown' && load.value != null
              ? `${Math.round(load.value)}%`
              : figure(load, () => ''),
            h.status === 'shown'
              ? hours(h.median ?? null).replace(' hours', '')
              : figure(h, () => ''),
            c.responseRate?.value != null ? `${Math.round(c.responseRate.value)}%` : '',
          ];
        }),
      ),
    );
    out.push(
      wrap(`Not shown: ${hiddenText} Hidden groups still count in the totals above them.`, ''),
    );
    out.push(wrap('Hours: median hours lost a week. High effort: answered 4 or 5 of 5.', ''));
  }
  if (root && root.capabilities.length > 0) {
    out.push('', 'Satisfaction and effort by capability, everyone');
    out.push(
      formatTable(
        ['Capability', 'Satisfied', '95% interval', 'Easy', '95% interval', 'Answers'],
        root.capabilities.map((c) => [
          c.name,
          c.csat.status === 'shown' && c.csat.value != null
            ? `${Math.round(c.csat.value)}%`
            : figure(c.csat, () => ''),
          c.csat.status === 'shown' && c.csat.interval
            ? `${Math.round(c.csat.interval.low)}% to ${Math.round(c.csat.interval.high)}%`
            : '',
          c.effort.status === 'shown' && c.effort.value != null
            ? `${Math.round(c.effort.value)}%`
            : figure(c.effort, () => ''),
          c.effort.status === 'shown' && c.effort.interval
            ? `${Math.round(c.effort.interval.low)}% to ${Math.round(c.effort.interval.high)}%`
            : '',
          c.csat.status === 'shown' ? String(c.csat.n ?? '') : '',
        ]),
      ),
    );
    out.push(
      wrap(
        'Satisfied: 4 or 5 of 5. Easy: 5 to 7 of 7 for “it made it easy to get my work done”.',
        '',
      ),
    );
  }
  if (root && root.custom.length > 0) {
    out.push('', 'Questions for this survey only (not comparable across periods)');
    for (const q of root.custom) {
      out.push(
        wrap(
          `${q.prompt}: ${q.rating ? `${figure(q.rating, shareOf)} rated 4 or 5 of 5` : 'answers in their own words are among the comments'}`,
        ),
      );
    }
  }
  if (root) {
    const c = root.comments;
    out.push(
      '',
      c.status === 'shown' ? `Comments from everyone (${c.items?.length ?? 0})` : 'Comments',
    );
    if (c.status !== 'shown') out.push(wrap(c.status === 'hidden' ? hiddenText : 'No comments.'));
    else {
      for (const prompt of [...new Set((c.items ?? []).map((i) => i.prompt))]) {
        out.push(wrap(prompt));
        for (const item of (c.items ?? []).filter((i) => i.prompt === prompt)) {
          out.push(wrap(item.body, '    ').replace(/^ {4}/, '  - '));
        }
      }
      const more = r.cuts.filter((x) => x.kind !== 'all' && x.comments.status === 'shown').length;
      if (more > 0) out.push(`Comments of ${more} more groups: add --json.`);
    }
  }
  return out.join('\n');
}

export function registerSurveysCli(program: Command, io: Io): void {
  const survey = program
    .command('survey')
    .description(
      'platform surveys: answer them, and read the results once closed (calls the paved API)',
    );

  withJson(
    survey
      .command('list')
      .description('list surveys, newest first, and whether you answered the open ones')
      .option('--state <states>', `only these states, with commas: ${SURVEY_STATES.join(', ')}`),
  ).action(async (opts: { state?: string; json?: boolean }) => {
    const client = apiClient(io);
    const items = await fetchAll<SurveyJson>(client, '/surveys', { state: opts.state });
    const answered = new Map<string, boolean>();
    for (const s of items.filter((x) => x.state === 'open')) {
      const detail = await client.get<DetailJson>(surveyPath(s.id));
      if (detail.youAreInvited || detail.answered) answered.set(s.id, detail.answered);
    }
    if (opts.json) {
      return printJson(
        io,
        items.map((s) => ({ ...s, answered: answered.has(s.id) ? answered.get(s.id) : null })),
      );
    }
    if (items.length === 0) {
      io.err(
        'No surveys yet. When the platform team opens one, it shows here and on your home page.',
      );
      return;
    }
    io.out(
      formatTable(
        ['Id', 'Survey', 'Period', 'Status', 'Closes', 'You'],
        items.map((s) => [
          s.id,
          s.title,
          periodWords(s.period),
          STATE_WORDS[s.state] ?? s.state,
          s.closesOn ? dayWords(s.closesOn) : '',
          s.state === 'closed'
            ? 'Results'
            : !answered.has(s.id)
              ? s.state === 'open'
                ? 'Not asked'
                : ''
              : answered.get(s.id)
                ? 'Answered'
                : 'Not answered',
        ]),
      ),
    );
  });

  withJson(
    survey
      .command('create')
      .description('create a draft survey from the fixed questions (platform team)')
      .requiredOption('--title <title>', 'what people see, like "Q4 platform survey"')
      .requiredOption(
        '--period <period>',
        'the quarter it covers, like 2026-Q4 (or a month, 2026-11)',
      )
      .option('--teams <slugs>', 'ask only these teams (and their sub-teams), with commas')
      .option('--opens-on <date>', 'open it on this day (YYYY-MM-DD); otherwise open it by hand')
      .option(
        '--closes-on <date>',
        'the last day to answer (YYYY-MM-DD); otherwise close it by hand',
      )
      .option(
        '--question <kind:prompt>',
        `a question of your own, not comparable across periods; kind is ${CUSTOM_KINDS.join(' or ')} (repeatable)`,
        collect,
        [],
      ),
  ).action(
    async (opts: {
      title: string;
      period: string;
      teams?: string;
      opensOn?: string;
      closesOn?: string;
      question: string[];
      json?: boolean;
    }) => {
      const questions = opts.question.map((q) => {
        const m = /^(rating|text):\s*(.+)$/.exec(q);
        if (!m) {
          throw new CliError(
            `--question ${q}: write it as rating:Your question or text:Your question.`,
            EXIT.usage,
          );
        }
        return { kind: m[1] as 'rating' | 'text', prompt: m[2]! };
      });
      const teams = opts.teams
        ?.split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const created = await apiClient(io).request<SurveyJson>('POST', '/surveys', {
        title: opts.title,
        period: opts.period,
        audience: teams?.length ? 'teams' : 'all',
        ...(teams?.length ? { teams } : {}),
        ...(opts.opensOn ? { opensOn: opts.opensOn } : {}),
        ...(opts.closesOn ? { closesOn: opts.closesOn } : {}),
        ...(questions.length ? { questions } : {}),
      });
      if (opts.json) return printJson(io, created);
      io.err(
        `Created the draft ${created.title} (${created.id}). Open it with paved survey open ${created.id}.`,
      );
    },
  );

  withJson(
    survey
      .command('open')
      .description(
        'open a draft: people are asked now, and its questions stay fixed (platform team)',
      )
      .argument('<id>', 'the survey’s id, from paved survey list'),
  ).action(async (id: string, opts: { json?: boolean }) => {
    const opened = await apiClient(io).request<SurveyJson>('POST', surveyPath(id, '/open'));
    if (opts.json) return printJson(io, opened);
    io.err(
      `Opened ${opened.title}: ${opened.invited ?? 0} people asked${opened.closesOn ? `; it closes after ${dayWords(opened.closesOn)}` : ''}. Follow it with paved survey progress ${opened.id}.`,
    );
  });

  withJson(
    survey
      .command('close')
      .description('close an open survey for good: it never reopens (platform team)')
      .argument('<id>', 'the survey’s id, from paved survey list')
      .option('--force', 'close without asking (needed when input is not a terminal)')
      .addOption(new Option('--yes', 'the same as --force').hideHelp()),
  ).action(async (id: string, opts: { force?: boolean; yes?: boolean; json?: boolean }) => {
    const client = apiClient(io);
    if (!opts.force && !opts.yes) {
      const current = await client.get<DetailJson>(surveyPath(id));
      await confirmOrForce(
        io,
        false,
        `Closing ${current.title} stops answers for good: it never reopens. paved then merges groups too small to stay anonymous and forgets who answered.`,
        `Type yes to close ${current.title}: `,
      );
    }
    const closed = await client.request<SurveyJson>('POST', surveyPath(id, '/close'));
    if (opts.json) return printJson(io, closed);
    io.err(
      `Closed ${closed.title}: ${closed.responded ?? 0} answers. Read the results with paved survey results ${closed.id}.`,
    );
  });

  withJson(
    survey
      .command('progress')
      .description(
        'how many have not answered an open survey, per team large enough to stay anonymous (platform team)',
      )
      .argument('<id>', 'the survey’s id'),
  ).action(async (id: string, opts: { json?: boolean }) => {
    const progress = await apiClient(io).get<ProgressJson>(surveyPath(id, '/progress'));
    if (opts.json) return printJson(io, progress);
    io.err(
      progress.answered === null
        ? `${progress.invited} people asked.`
        : `${progress.answered} of ${progress.invited} people asked have answered.`,
    );
    if (progress.teams.length === 0) {
      io.err('No team is large enough to show on its own yet.');
      return;
    }
    io.out(
      formatTable(
        ['Team', 'Asked', 'Not answered yet'],
        progress.teams.map((t) => [t.team, String(t.invited), String(t.notAnswered)]),
      ),
    );
  });

  withJson(
    survey
      .command('results')
      .description('a closed survey’s results, for everyone and by one dimension')
      .argument('<id>', 'the survey’s id, from paved survey list')
      .addOption(
        new Option('--by <dimension>', 'cut by team, tenure band or level band')
          .choices(DIMENSIONS)
          .default('team'),
      ),
  ).action(async (id: string, opts: { by: string; json?: boolean }) => {
    const results = await apiClient(io).get<ResultsJson>(surveyPath(id, '/results'), {
      by: opts.by,
    });
    if (opts.json) return printJson(io, results);
    io.out(resultsText(results));
  });

  withJson(
    survey
      .command('answer')
      .description(
        'answer a survey: question by question in a terminal, or all at once by flags or --answers',
      )
      .argument('<id>', 'the survey’s id, from paved survey list')
      .option('--nps <0-10>', 'how likely you are to recommend the platform to a colleague')
      .option('--cognitive-load <1-5>', 'how much mental effort the platform takes (1 very little)')
      .addOption(
        new Option('--hours-lost <bucket>', 'hours lost a week to friction').choices(HOURS_KEYS),
      )
      .option(
        '--csat <slug=1-5>',
        'satisfaction with a capability your team uses (repeatable)',
        collect,
        [],
      )
      .option(
        '--effort <slug=1-7>',
        '"it made it easy to get my work done" (repeatable)',
        collect,
        [],
      )
      .option(
        '--custom <id=answer>',
        'an answer to one of the survey’s own questions (repeatable)',
        collect,
        [],
      )
      .option('--comment <text>', 'anything else you want the platform team to know')
      .option('--fix <text>', 'the one thing the platform should fix')
      .option('--answers <file.json>', 'every answer from a JSON file (- for standard input)')
      .option('--no-input', 'never ask; fail unless the answers are given'),
  ).action(async (id: string, opts: AnswerOpts) => {
    const given = hasAnswerFlags(opts);
    const interactive = !given && opts.input && canPrompt(io);
    if (!given && !interactive) {
      throw new CliError(
        `No answers given${opts.input ? ' and this is not a terminal' : ' and --no-input is set'}: pass ${ANSWER_FLAGS}.`,
        EXIT.usage,
      );
    }
    const client = apiClient(io);
    const form = await client.get<FormJson>(surveyPath(id, '/form'));
    refuseAnswer(form);
    const answers = given ? await answersFromFlags(io, opts, form) : await askAnswers(io, form);
    const stored = await sendAnswers(client, id, answers);
    if (opts.json) return printJson(io, stored);
    io.err(
      `Thank you: your answers to ${form.survey.title} are in. Results appear when it closes${form.survey.closesOn ? `, after ${dayWords(form.survey.closesOn)}` : ''}.`,
    );
  });

  withJson(
    program
      .command('pulse')
      .description('rate a capability right after using it, 1 (very poor) to 5 (very good)')
      .argument('<capability>', 'the capability’s slug, like deploy-pipeline')
      .argument('<rating>', '1 (very poor) to 5 (very good)')
      .option('--comment <text>', 'what made it so')
      .addOption(new Option('--touchpoint <where>', 'where you were asked').choices(TOUCHPOINTS)),
  ).action(
    async (
      capability: string,
      rating: string,
      opts: { comment?: string; touchpoint?: string; json?: boolean },
    ) => {
      if (!/^[1-5]$/.test(rating.trim())) {
        throw new CliError(
          `The rating ${rating} is not a whole number from 1 to 5: run, for example, paved pulse ${capability} 4.`,
          EXIT.usage,
        );
      }
      const stored = await apiClient(io).request<PulseJson>('POST', '/pulses', {
        capability,
        rating: Number(rating),
        ...(opts.comment ? { comment: opts.comment } : {}),
        ...(opts.touchpoint ? { touchpoint: opts.touchpoint } : {}),
      });
      if (opts.json) return printJson(io, stored);
      io.err(
        `Thank you: your rating of ${capability} is in, without your name. You can rate it again from ${dayWords(stored.nextOn)}.`,
      );
    },
  );
}

async function sendAnswers(client: ApiClient, id: string, answers: AnswersJson) {
  return client.request<{ answered: true }>('POST', surveyPath(id, '/responses'), { answers });
}
