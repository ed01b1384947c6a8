import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { fetchAll, formatDate, printJson, wrap } from '../capabilities/cli-support.ts';
import { bold, CliError, canPrompt, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { BetaDetailSchema, BetaSummarySchema, MembershipSchema } from './betas-api-schemas.ts';
import {
  BETA_STATUSES,
  CRITERION_KINDS,
  criterionText,
  parseShare,
  REVIEW_OUTCOMES,
  STATUS_WORDS,
  VERDICT_WORDS,
} from './betas-model.ts';

type SummaryJson = z.infer<typeof BetaSummarySchema>;
type DetailJson = z.infer<typeof BetaDetailSchema>;
type MembershipJson = z.infer<typeof MembershipSchema>;

const betaPath = (id: string, rest = '') => `/betas/${encodeURIComponent(id)}${rest}`;
const today = () => new Date().toISOString().slice(0, 10);

/** A flag a command needs, and the question asked for it in a terminal. */
interface Needed {
  flag: string;
  key: string;
  question: string;
}

/**
 * Fills the flags a command needs: asks for each missing one in a terminal,
 * and otherwise (or with --no-input) fails at once naming them all.
 */
async function fill(
  io: Io,
  opts: Record<string, unknown> & { input?: boolean },
  needed: Needed[],
): Promise<void> {
  const missing = needed.filter((n) => {
    const v = opts[n.key];
    return v === undefined || (typeof v === 'string' && !v.trim());
  });
  if (missing.length === 0) return;
  const ask = opts.input !== false && canPrompt(io) && io.stdin?.readLine;
  if (!ask) {
    const flags = missing.map((n) => n.flag);
    const list =
      flags.length === 1 ? flags[0] : `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)}`;
    throw new CliError(
      `Missing ${list}${opts.input === false ? ' and --no-input is set' : ' and this is not a terminal'}: pass ${list}.`,
      EXIT.usage,
    );
  }
  for (const n of missing) {
    const answer = await ask(`${n.question} `);
    if (answer === null || !answer.trim()) {
      throw new CliError(`No ${n.flag.slice(2)} given; nothing was changed.`, EXIT.usage);
    }
    opts[n.key] = answer.trim();
  }
}

/** `paved beta list|show|create|join|leave|review`, over the HTTP API. */
export function registerBetasCli(program: Command, io: Io): void {
  const beta = program
    .command('beta')
    .description(
      'beta programs: volunteer teams try a capability before everyone (calls the paved API)',
    );

  withJson(
    beta
      .command('list')
      .description('list beta programs, the latest start first')
      .addOption(new Option('--status <status>', 'only this status').choices(BETA_STATUSES)),
  ).action(async (opts: { status?: string; json?: boolean }) => {
    const items = await fetchAll<SummaryJson>(apiClient(io), '/betas', { status: opts.status });
    if (opts.json) return printJson(io, items);
    if (items.length === 0) {
      io.err(
        opts.status
          ? `No ${opts.status} beta programs. Run paved beta list without --status.`
          : 'No beta programs yet. The platform team starts one with paved beta create.',
      );
      return;
    }
    io.out(
      formatTable(
        ['Id', 'Capability', 'Status', 'Teams', 'Review', 'Met'],
        items.map((b) => [
          b.id,
          b.capability.name,
          STATUS_WORDS[b.status],
          `${b.activeTeams}/${b.targetTeams}`,
          b.status === 'graduated' ? 'done' : formatDate(b.reviewOn),
          `${b.criteria.filter((c) => c.verdict === 'met').length}/${b.criteria.length}`,
        ]),
      ),
    );
  });

  withJson(
    beta
      .command('show')
      .description(
        'show a beta: criteria and their verdicts, teams, how beta teams rate it, reviews',
      )
      .argument('<id>', 'the beta’s id, from paved beta list')
      .option('--survey <id>', 'compare in this closed survey (the latest by default)'),
  ).action(async (id: string, opts: { survey?: string; json?: boolean }) => {
    const detail = await apiClient(io).get<DetailJson>(betaPath(id), { survey: opts.survey });
    if (opts.json) return printJson(io, detail);
    io.out(showText(io, detail));
  });

  withJson(
    beta
      .command('create')
      .description('start a beta program for a capability in stage beta (the platform team)')
      .option('--capability <slug>', 'the capability, in stage beta')
      .option('--review-on <date>', 'YYYY-MM-DD: the day its decider reviews it')
      .option('--starts-on <date>', 'YYYY-MM-DD: trials from this day count (today by default)')
      .option('--target <n>', 'how many volunteer teams it looks for (3 by default)')
      .option('--category <key>', 'the decision category whose decider reviews it')
      .option(
        '--criteria <kinds>',
        `criteria, separated by commas: ${CRITERION_KINDS.join(', ')} (all by default)`,
      )
      .option('--csat <percent>', 'CSAT top-2-box among beta teams to reach (70 by default)')
      .option('--csat-min-n <n>', 'the fewest CSAT answers that count (5 by default)')
      .option('--stay-rate <share>', 'share of teams that stay, like 2/3 (the default) or 75%')
      .option('--stay-weeks <n>', 'weeks after joining the stay rate is read (6 by default)')
      .option('--notes <text>', 'what the beta is for')
      .option('--no-input', 'never ask; fail unless the flags are given'),
  ).action(async (opts: CreateOpts) => {
    await fill(io, opts as never, [
      { flag: '--capability', key: 'capability', question: 'Capability (slug, in stage beta):' },
      { flag: '--review-on', key: 'reviewOn', question: 'Review on (YYYY-MM-DD):' },
    ]);
    const created = await apiClient(io).request<DetailJson>('POST', '/betas', createBody(opts));
    if (opts.json) return printJson(io, created);
    io.out(created.id);
    io.err(
      `Started the beta of ${created.capability.name}: ${created.id}. Teams join with paved beta join ${created.id}; follow it with paved beta show ${created.id}.`,
    );
  });

  withJson(
    beta
      .command('join')
      .description('volunteer your team for a beta: it starts trying the capability')
      .argument('<id>', 'the beta’s id, from paved beta list')
      .option('--team <slug>', 'the team (your own by default)'),
  ).action(async (id: string, opts: { team?: string; json?: boolean }) => {
    const done = await apiClient(io).request<MembershipJson>('POST', betaPath(id, '/join'), {
      ...(opts.team ? { team: opts.team } : {}),
    });
    if (opts.json) return printJson(io, done);
    io.err(
      `${done.team} has joined the beta: it is recorded as trying the capability. Leave it with paved beta leave ${id} --reason … --alternative ….`,
    );
  });

  withJson(
    beta
      .command('leave')
      .description('take your team out of a beta in one step, saying why')
      .argument('<id>', 'the beta’s id')
      .option('--team <slug>', 'the team (your own by default)')
      .option('--reason <key>', 'why: a reason key, such as too-slow (paved shows the list)')
      .option('--alternative <text>', 'what the team uses instead')
      .option('--reason-text <text>', 'more about why')
      .option('--no-input', 'never ask; fail unless the flags are given'),
  ).action(async (id: string, opts: LeaveOpts) => {
    await fill(io, opts as never, [
      {
        flag: '--reason',
        key: 'reason',
        question: 'Why is the team leaving (a reason key, such as too-slow)?',
      },
      { flag: '--alternative', key: 'alternative', question: 'What does the team use instead?' },
    ]);
    const done = await apiClient(io).request<MembershipJson>('POST', betaPath(id, '/leave'), {
      ...(opts.team ? { team: opts.team } : {}),
      reason: opts.reason,
      alternative: opts.alternative,
      ...(opts.reasonText ? { reasonText: opts.reasonText } : {}),
    });
    if (opts.json) return printJson(io, done);
    io.err(
      `${done.team} has left the beta; the platform team reads why. You can try it again at any time.`,
    );
  });

  withJson(
    beta
      .command('review')
      .description('graduate a beta or iterate with a new review date (its decider)')
      .argument('<id>', 'the beta’s id')
      .addOption(new Option('--outcome <outcome>', 'graduate or iterate').choices(REVIEW_OUTCOMES))
      .option('--rationale <text>', 'why; it goes to the decision log')
      .option('--next-review <date>', 'YYYY-MM-DD: to iterate, the next review date')
      .option('--no-input', 'never ask; fail unless the flags are given'),
  ).action(async (id: string, opts: ReviewOpts) => {
    const needed: Needed[] = [
      { flag: '--outcome', key: 'outcome', question: 'Graduate or iterate?' },
      { flag: '--rationale', key: 'rationale', question: 'Why (for the decision log)?' },
    ];
    if (opts.outcome !== 'graduate') {
      needed.push({
        flag: '--next-review',
        key: 'nextReview',
        question: 'Next review (YYYY-MM-DD):',
      });
    }
    await fill(io, opts as never, needed);
    if (!REVIEW_OUTCOMES.includes(opts.outcome as never)) {
      throw new CliError(
        `The outcome ${opts.outcome} is neither graduate nor iterate.`,
        EXIT.usage,
      );
    }
    const detail = await apiClient(io).request<DetailJson>('POST', betaPath(id, '/review'), {
      outcome: opts.outcome,
      rationale: opts.rationale,
      ...(opts.outcome === 'iterate' ? { nextReviewOn: opts.nextReview } : {}),
    });
    if (opts.json) return printJson(io, detail);
    io.err(
      opts.outcome === 'graduate'
        ? `${detail.capability.name} has graduated: it is generally available. The decision is in the decision log.`
        : `${detail.capability.name} stays in beta; next review on ${formatDate(detail.reviewOn)}. The decision is in the decision log.`,
    );
  });
}

interface CreateOpts {
  capability?: string;
  reviewOn?: string;
  startsOn?: string;
  target?: string;
  category?: string;
  criteria?: string;
  csat?: string;
  csatMinN?: string;
  stayRate?: string;
  stayWeeks?: string;
  notes?: string;
  input?: boolean;
  json?: boolean;
}

interface LeaveOpts {
  team?: string;
  reason?: string;
  alternative?: string;
  reasonText?: string;
  input?: boolean;
  json?: boolean;
}

interface ReviewOpts {
  outcome?: string;
  rationale?: string;
  nextReview?: string;
  input?: boolean;
  json?: boolean;
}

/** A whole-number or decimal flag as a number, or a usage error naming it. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!text.trim() || !Number.isFinite(n)) {
    throw new CliError(`${flag} ${text} is not a number.`, EXIT.usage);
  }
  return n;
}

function createBody(opts: CreateOpts) {
  const kinds = opts.criteria
    ? opts.criteria.split(',').map((k) => k.trim())
    : [...CRITERION_KINDS];
  for (const kind of kinds) {
    if (!(CRITERION_KINDS as readonly string[]).includes(kind)) {
      throw new CliError(
        `--criteria ${kind} is not a criterion: use ${CRITERION_KINDS.join(', ')}.`,
        EXIT.usage,
      );
    }
  }
  let stay: number | undefined;
  if (opts.stayRate !== undefined) {
    stay = parseShare(opts.stayRate) ?? undefined;
    if (stay === undefined) {
      throw new CliError(
        `--stay-rate ${opts.stayRate} is not a share: use 2/3, 0.75 or 75%.`,
        EXIT.usage,
      );
    }
  }
  const criteria = kinds.map((kind) =>
    kind === 'csat'
      ? {
          kind,
          threshold: numberFlag('--csat', opts.csat),
          minN: numberFlag('--csat-min-n', opts.csatMinN),
        }
      : kind === 'stay-rate'
        ? { kind, threshold: stay, afterWeeks: numberFlag('--stay-weeks', opts.stayWeeks) }
        : { kind },
  );
  return {
    capability: opts.capability,
    startsOn: opts.startsOn ?? today(),
    reviewOn: opts.reviewOn,
    ...(opts.target !== undefined ? { targetTeams: numberFlag('--target', opts.target) } : {}),
    ...(opts.category ? { category: opts.category } : {}),
    ...(opts.notes ? { notes: opts.notes } : {}),
    criteria,
  };
}

function figureText(f: DetailJson['pulses'][number]['rating']): string {
  if (f.status === 'empty') return 'no answers';
  if (f.status === 'hidden') return 'not shown, to keep answers anonymous';
  const interval = f.interval
    ? ` (95% interval ${Math.round(f.interval.low)} to ${Math.round(f.interval.high)})`
    : '';
  return `${Math.round(f.value ?? 0)}% satisfied${interval}, ${f.n} answers`;
}

/** A list item wrapped to 80 columns: `  - ` first, then indented under it. */
const bullet = (text: string) => `  - ${wrap(text, '    ').slice(4)}`;

function showText(io: Io, d: DetailJson): string {
  const out = [bold(io, `Beta: ${d.capability.name}`), ''];
  out.push(
    `${STATUS_WORDS[d.status]} · started ${formatDate(d.startsOn)} · ${d.status === 'graduated' ? 'graduated' : `review on ${formatDate(d.reviewOn)}`}`,
  );
  out.push(
    `Teams: ${d.activeTeams} using it of ${d.teams} that joined; looking for ${d.targetTeams}.`,
  );
  out.push(
    `${d.decider.label}: ${d.decider.role === 'leader' ? 'leadership' : 'the platform team'} decides.`,
  );
  out.push('', `Criteria (${d.criteriaSummary}):`);
  for (const c of d.criteria) {
    out.push(bullet(`${VERDICT_WORDS[c.verdict]}: ${criterionText(c)}.`));
    out.push(wrap(c.explanation, '    '));
  }
  if (d.teamList.length > 0) {
    out.push('', 'Teams:');
    for (const t of d.teamList) {
      out.push(`  ${t.teamName} (${t.team}): joined ${formatDate(t.joinedAt)}, now ${t.state}`);
    }
  }
  if (d.comparison) {
    out.push('', `How beta teams rate it (${d.comparison.survey.title}):`);
    out.push(`  Beta teams:    ${figureText(d.comparison.beta)}`);
    out.push(`  Everyone else: ${figureText(d.comparison.others)}`);
    if (d.comparison.unplaced.status !== 'empty') {
      out.push(
        wrap(
          `${d.comparison.unplaced.n ?? 'Some'} answers are in neither group: they were stored for a larger group that holds beta teams and others.`,
          '  ',
        ),
      );
    }
  }
  if (d.feedback.length > 0) out.push('', `Feedback from beta teams: ${d.feedback.length} items.`);
  if (d.moves.length > 0) {
    out.push('', 'Moves:');
    for (const m of d.moves) {
      const why = m.reason ? ` (${m.reason}${m.alternative ? `; uses ${m.alternative}` : ''})` : '';
      out.push(wrap(`${formatDate(m.at)}  ${m.teamName}: ${m.to}${why}`, '  '));
    }
  }
  if (d.reviews.length > 0) {
    out.push('', 'Reviews:');
    for (const r of d.reviews) {
      out.push(`  ${formatDate(r.decidedAt)}  ${r.outcome}${r.decider ? ` by ${r.decider}` : ''}`);
      out.push(wrap(r.rationale, '    '));
    }
  } else if (d.status !== 'graduated') {
    out.push(
      '',
      wrap(`Its decider reviews it with paved beta review ${d.id} --outcome graduate|iterate.`, ''),
    );
  }
  return out.join('\n');
}
