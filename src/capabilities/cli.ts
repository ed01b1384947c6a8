import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { bold, CliError, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type {
  AdoptionEventSchema,
  CapabilityDetailSchema,
  CapabilitySchema,
  FiguresSchema,
  ReasonSchema,
} from './api-schemas.ts';
import { registerExceptionsCli } from './cli-exceptions.ts';
import { deciderWords, fetchAll, formatDate, formatRate, printJson, wrap } from './cli-support.ts';
import { ADOPTION_STATES, EXCEPTION_STATUSES, OBLIGATIONS, STAGES } from './model.ts';

type CapabilityJson = z.infer<typeof CapabilitySchema>;
type DetailJson = z.infer<typeof CapabilityDetailSchema>;
type EventJson = z.infer<typeof AdoptionEventSchema>;
type FiguresJson = z.infer<typeof FiguresSchema>;
type ReasonJson = z.infer<typeof ReasonSchema>;

/**
 * User commands for capabilities (`paved capability …`), exceptions, the
 * decision log and decision rights; they call the HTTP API with your token.
 */
export function registerCapabilitiesCli(program: Command, io: Io): void {
  const capability = program
    .command('capability')
    .description('the capability catalog and your team’s adoption (calls the paved API)');

  withJson(
    capability
      .command('list')
      .description('list the capability catalog')
      .addOption(new Option('--stage <stage>', 'only this stage').choices(STAGES))
      .addOption(
        new Option('--obligation <obligation>', 'only this obligation').choices(OBLIGATIONS),
      ),
  ).action(async (opts: { stage?: string; obligation?: string; json?: boolean }) => {
    const items = await fetchAll<CapabilityJson>(apiClient(io), '/capabilities', {
      stage: opts.stage,
      obligation: opts.obligation,
    });
    if (opts.json) return printJson(io, items);
    if (items.length === 0) {
      io.err(
        opts.stage || opts.obligation
          ? 'No capabilities match these filters. Run paved capability list without them.'
          : 'The catalog is empty. The platform team adds capabilities with paved capability add.',
      );
      return;
    }
    io.out(
      formatTable(
        ['Slug', 'Name', 'Stage', 'Obligation', 'Owner'],
        items.map((c) => [c.slug, c.name, c.stage, c.obligation, c.ownerTeam ?? '']),
        80,
        // The slug whole: it is what every other capability command takes.
        [0],
      ),
    );
  });

  withJson(
    capability
      .command('show')
      .description('show a capability: why it is required (if it is), then adoption and requests')
      .argument('<slug>', 'the capability’s slug, from paved capability list')
      .option('--period <period>', 'add the choice figures for a period: 2026-Q4 or 2026-11'),
  ).action(async (slug: string, opts: { period?: string; json?: boolean }) => {
    if (opts.period !== undefined && !/^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/.test(opts.period)) {
      throw new CliError(
        `--period ${opts.period}: give a quarter like 2026-Q4 or a month like 2026-11.`,
        EXIT.usage,
      );
    }
    const client = apiClient(io);
    const path = `/capabilities/${encodeURIComponent(slug)}`;
    const detail = await client.get<DetailJson>(path);
    const figures =
      opts.period === undefined
        ? undefined
        : await client.get<FiguresJson>(`${path}/figures`, { period: opts.period });
    if (opts.json) return printJson(io, figures ? { ...detail, figures } : detail);
    io.out(showText(io, detail, figures));
  });

  withJson(
    capability
      .command('add')
      .description('add an optional capability to the catalog (platform team)')
      .requiredOption('--slug <slug>', 'its address: lowercase letters, digits and hyphens')
      .requiredOption('--name <name>', 'its name, as people know it')
      .requiredOption('--summary <summary>', 'one line on what it does for a team')
      .option('--owner <team>', 'the slug of the team that owns it')
      .addOption(
        new Option('--stage <stage>', 'where it is in its life').choices(STAGES).default('ga'),
      )
      .option('--docs <url>', 'its documentation (http or https)'),
  ).action(
    async (opts: {
      slug: string;
      name: string;
      summary: string;
      owner?: string;
      stage: string;
      docs?: string;
      json?: boolean;
    }) => {
      const created = await apiClient(io).request<DetailJson>('POST', '/capabilities', {
        slug: opts.slug,
        name: opts.name,
        summary: opts.summary,
        ownerTeam: opts.owner,
        docsUrl: opts.docs,
        stage: opts.stage,
        obligation: 'optional',
      });
      if (opts.json) return printJson(io, created);
      io.err(
        `Added ${created.name} (${created.slug}) at stage ${created.stage}, optional. See it with paved capability show ${created.slug}.`,
      );
    },
  );

  const choose = (verb: 'adopt' | 'trial', to: 'adopted' | 'trial', what: string) =>
    withJson(
      capability
        .command(verb)
        .description(what)
        .argument('<slug>', 'the capability’s slug')
        .requiredOption('--team <team>', 'your team’s slug (or a sub-team’s)'),
    ).action(async (slug: string, opts: { team: string; json?: boolean }) => {
      const event = await changeAdoption(io, slug, { team: opts.team, to });
      if (opts.json) return printJson(io, event);
      io.err(adoptionMessage(event));
    });
  choose('adopt', 'adopted', 'record that a team uses a capability');
  choose('trial', 'trial', 'record that a team is trying a capability');

  const exit = (verb: 'leave' | 'opt-out', to: 'left' | 'opted-out', what: string) =>
    withJson(
      capability
        .command(verb)
        .description(what)
        .argument('<slug>', 'the capability’s slug')
        .requiredOption('--team <team>', 'your team’s slug (or a sub-team’s)')
        .requiredOption('--reason <key>', 'why, from paved capability reasons (e.g. too-slow)')
        .requiredOption('--alternative <what>', 'what the team uses instead')
        .option('--reason-text <text>', 'more about why, in your words'),
    ).action(
      async (
        slug: string,
        opts: {
          team: string;
          reason: string;
          alternative: string;
          reasonText?: string;
          json?: boolean;
        },
      ) => {
        const event = await changeAdoption(io, slug, {
          team: opts.team,
          to,
          reason: opts.reason,
          alternative: opts.alternative,
          reasonText: opts.reasonText,
        });
        if (opts.json) return printJson(io, event);
        io.err(adoptionMessage(event));
      },
    );
  exit('leave', 'left', 'record that a team stopped using a capability, why, and what it uses now');
  exit('opt-out', 'opted-out', 'record that a team chose not to use a capability, and why');

  withJson(
    capability.command('reasons').description('list the reasons a team can give for leaving'),
  ).action(async (opts: { json?: boolean }) => {
    const reasons = await fetchAll<ReasonJson>(apiClient(io), '/adoption-reasons');
    if (opts.json) return printJson(io, reasons);
    io.out(
      formatTable(
        ['Reason', 'Meaning'],
        reasons.map((r) => [r.key, r.label]),
      ),
    );
  });

  registerExceptionsCli(program, io);
}

async function changeAdoption(
  io: Io,
  slug: string,
  body: { team: string; to: string; reason?: string; alternative?: string; reasonText?: string },
): Promise<EventJson> {
  return apiClient(io).request<EventJson>(
    'POST',
    `/capabilities/${encodeURIComponent(slug)}/adoption`,
    body,
  );
}

const STATE_WORDS: Record<string, string> = {
  none: 'has not chosen',
  trial: 'is trying',
  adopted: 'uses',
  left: 'left',
  'opted-out': 'opted out of',
  exempt: 'is exempt from',
};

function adoptionMessage(event: EventJson): string {
  const behalf = event.onBehalf ? ' Recorded on the team’s behalf.' : '';
  return `${event.team} now ${STATE_WORDS[event.to] ?? event.to} ${event.capability} (was ${event.from}).${behalf}`;
}

/** The human view of a capability: the mandate first, then the facts, then adoption and requests. */
function showText(io: Io, c: DetailJson, figures?: FiguresJson): string {
  const lines: string[] = [bold(io, `${c.name} (${c.slug})`), wrap(c.summary, '')];
  if (c.mandate) {
    const m = c.mandate;
    lines.push(
      '',
      bold(io, 'Why this is required'),
      wrap(m.reason),
      bold(io, 'Who required it'),
      wrap(
        `${m.categoryLabel} — ${deciderWords(m.deciderRole).toLowerCase()} decides this, and rules on exceptions to it. Next review ${formatDate(m.reviewOn)}.`,
      ),
      bold(io, 'What we are doing about the cost to you'),
      wrap(m.mitigation),
    );
  }
  lines.push(
    '',
    `Stage:      ${c.stage}`,
    `Obligation: ${c.obligation}`,
    `Owner:      ${c.ownerTeam ?? 'not set'}`,
    `Offered to: ${c.eligibleTeams.length ? c.eligibleTeams.join(', ') : 'every team'}`,
  );
  if (c.docsUrl) lines.push(`Docs:       ${c.docsUrl}`);
  lines.push(
    '',
    'Teams by state',
    wrap(ADOPTION_STATES.map((s) => `${s} ${c.adoption[s]}`).join(' · ')),
  );
  const requests = EXCEPTION_STATUSES.filter((s) => c.exceptions[s] > 0);
  if (c.obligation === 'mandatory' || requests.length > 0) {
    lines.push(
      'Exception requests',
      wrap(
        requests.length
          ? requests.map((s) => `${s} ${c.exceptions[s]}`).join(' · ')
          : 'none so far',
      ),
    );
  }
  if (figures) lines.push('', ...figureLines(c, figures));
  return lines.join('\n');
}

function figureLines(c: DetailJson, f: FiguresJson): string[] {
  const lines = [`Figures for ${f.period.key} (${f.eligibleTeams} eligible teams)`];
  if (c.obligation === 'optional') {
    lines.push(`  Opt-in rate:               ${formatRate(f.optInRate)}`);
  } else {
    lines.push(`  Coverage (compliance):     ${formatRate(f.coverage)}`);
  }
  lines.push(
    `  Teams that chose to stay:  ${formatRate(f.stayRate)}`,
    `  Teams that left (churn):   ${formatRate(f.churn)}`,
  );
  const reasons = [...f.reasons].sort((a, b) => b.count - a.count);
  lines.push(
    reasons.length
      ? wrap(
          `Why teams left or opted out: ${reasons.map((r) => `${r.label} (${r.count})`).join(', ')}`,
        )
      : '  No team left or opted out in this period.',
  );
  const days = f.exceptions.decisionDays;
  if (days.n > 0) {
    lines.push(
      `  Time to decide exceptions: median ${days.median ?? '?'} days, 90th percentile ${days.p90 ?? '?'} days (${days.n} decided)`,
    );
  }
  const hidden = f.cohorts.filter((h) => h.hidden).length;
  if (hidden > 0) {
    lines.push(
      wrap(
        `${hidden} monthly cohort${hidden === 1 ? ' is' : 's are'} not shown to keep teams anonymous.`,
      ),
    );
  }
  return lines;
}
