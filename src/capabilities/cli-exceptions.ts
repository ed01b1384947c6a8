import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { CliError, EXIT, formatTable, type Io, withDatabase, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { CategorySchema, DecisionSchema, ExceptionSchema } from './api-schemas.ts';
import { deciderWords, fetchAll, formatDate, isoDate, printJson } from './cli-support.ts';
import { DECIDER_ROLES, EXCEPTION_OUTCOMES, EXCEPTION_STATUSES } from './model.ts';

type ExceptionJson = z.infer<typeof ExceptionSchema>;
type DecisionJson = z.infer<typeof DecisionSchema>;
type CategoryJson = z.infer<typeof CategorySchema>;

/** `paved exception …`, `paved decision list`, `paved decision-rights show|set`. */
export function registerExceptionsCli(program: Command, io: Io): void {
  registerExceptionCommands(program, io);
  registerDecisionCommands(program, io);
}

const today = () => new Date().toISOString().slice(0, 10);

function registerExceptionCommands(program: Command, io: Io): void {
  const exception = program
    .command('exception')
    .description('ask not to use a mandatory capability, challenge its policy, or decide requests');

  withJson(
    exception
      .command('request')
      .description(
        'ask for an exception to a mandatory capability (or, with --policy-change, for its policy to change)',
      )
      .argument('<capability>', 'the mandatory capability’s slug')
      .requiredOption('--team <team>', 'your team’s slug (or a sub-team’s)')
      .requiredOption('--justification <text>', 'why the team needs this')
      .option('--evidence <text>', 'links or figures that back it up')
      .option('--policy-change', 'ask for the policy itself to change, not for an exception'),
  ).action(
    async (
      capability: string,
      opts: {
        team: string;
        justification: string;
        evidence?: string;
        policyChange?: boolean;
        json?: boolean;
      },
    ) => {
      const created = await apiClient(io).request<ExceptionJson>('POST', '/exceptions', {
        capability,
        team: opts.team,
        kind: opts.policyChange ? 'policy-change' : 'exception',
        justification: opts.justification,
        evidence: opts.evidence ?? '',
      });
      if (opts.json) return printJson(io, created);
      io.out(created.id);
      const what = created.kind === 'exception' ? 'an exception to' : 'a policy change for';
      io.err(
        `Asked for ${what} ${capability} for ${opts.team}: request ${created.id}, pending. ${deciderWords(created.deciderRole)} decides; follow it with paved exception list --team ${opts.team}.`,
      );
    },
  );

  withJson(
    exception
      .command('decide')
      .description('decide a request: approve (with --expires for an exception), deny or escalate')
      .argument('<id>', 'the request’s id, from paved exception list')
      .addOption(
        new Option('--outcome <outcome>', 'what you decide')
          .choices(EXCEPTION_OUTCOMES)
          .makeOptionMandatory(),
      )
      .requiredOption('--rationale <text>', 'why; it goes to the decision log')
      .option('--expires <date>', 'YYYY-MM-DD: the day an approved exception ends'),
  ).action(
    async (
      id: string,
      opts: { outcome: string; rationale: string; expires?: string; json?: boolean },
    ) => {
      if (opts.expires !== undefined && !isoDate(opts.expires)) {
        throw new CliError(`--expires ${opts.expires}: give a day like 2027-01-31.`, EXIT.usage);
      }
      const decided = await apiClient(io).request<ExceptionJson>(
        'POST',
        `/exceptions/${encodeURIComponent(id)}/decision`,
        { outcome: opts.outcome, rationale: opts.rationale, expiresOn: opts.expires ?? null },
      );
      if (opts.json) return printJson(io, decided);
      const until = decided.expiresOn
        ? ` until ${formatDate(decided.expiresOn)}: ${decided.team} is exempt from ${decided.capability}`
        : '';
      const next =
        decided.status === 'escalated'
          ? ' Leadership decides it now.'
          : ' It is in the decision log.';
      io.err(`Request ${decided.id} ${decided.status}${until}.${next}`);
    },
  );

  withJson(
    exception
      .command('list')
      .description('list exception requests and policy challenges, newest first')
      .option(
        '--status <status>',
        `only these statuses, separated by commas: ${EXCEPTION_STATUSES.join(', ')}`,
      )
      .option('--capability <slug>', 'only this capability')
      .option('--team <team>', 'only this team'),
  ).action(
    async (opts: { status?: string; capability?: string; team?: string; json?: boolean }) => {
      const bad = (opts.status ?? '')
        .split(',')
        .filter((s) => s && !(EXCEPTION_STATUSES as readonly string[]).includes(s.trim()));
      if (bad.length > 0) {
        throw new CliError(
          `--status ${opts.status}: use ${EXCEPTION_STATUSES.join(', ')}, separated by commas.`,
          EXIT.usage,
        );
      }
      const items = await fetchAll<ExceptionJson>(apiClient(io), '/exceptions', {
        status: opts.status,
        capability: opts.capability,
        team: opts.team,
      });
      if (opts.json) return printJson(io, items);
      if (items.length === 0) {
        io.err(
          'No requests match. A team asks with paved exception request <capability> --team … --justification ….',
        );
        return;
      }
      // Whole ids and dates: an id is what paved exception decide takes.
      io.out(
        formatTable(
          ['ID', 'Capability', 'Team', 'Kind', 'Status', 'Date'],
          items.map((e) => [
            e.id,
            e.capability ?? '',
            e.team ?? '',
            e.kind === 'policy-change' ? 'policy' : e.kind,
            e.status,
            e.status === 'approved' && e.expiresOn
              ? `ends ${formatDate(e.expiresOn)}`
              : e.status === 'expired' && e.expiresOn
                ? `ended ${formatDate(e.expiresOn)}`
                : `asked ${formatDate(e.createdAt)}`,
          ]),
          80,
          [0, 5],
        ),
      );
    },
  );

  withJson(
    exception
      .command('expire')
      .description(
        'end approved exceptions whose expiry date has passed (operators: local database)',
      ),
  ).action(async (opts: { json?: boolean }) => {
    // The service (and the database code under it) loads only for this operator command.
    const { expireExceptions } = await import('./service.ts');
    const ended = await withDatabase(io, (handle) => expireExceptions(handle.db, today()));
    if (opts.json) return printJson(io, { ended });
    io.err(
      ended === 0
        ? 'No approved exception has passed its expiry date; nothing changed.'
        : `Ended ${ended} exception${ended === 1 ? '' : 's'} past ${ended === 1 ? 'its' : 'their'} expiry date; ${ended === 1 ? 'that team is' : 'those teams are'} back to none.`,
    );
  });
}

function registerDecisionCommands(program: Command, io: Io): void {
  withJson(
    program
      .command('decision')
      .description('the decision log: every mandate, exception and stage decision, with its why')
      .command('list')
      .description('list decisions, newest first')
      .option('--category <key>', 'only this decision category, e.g. security')
      .option('--capability <slug>', 'only decisions about this capability'),
  ).action(async (opts: { category?: string; capability?: string; json?: boolean }) => {
    const items = await fetchAll<DecisionJson>(apiClient(io), '/decisions', {
      category: opts.category,
      capability: opts.capability,
    });
    if (opts.json) return printJson(io, items);
    if (items.length === 0) {
      io.err('No decisions match. Decisions appear here as mandates and requests are decided.');
      return;
    }
    io.out(
      formatTable(
        ['Date', 'Category', 'Decided by', 'Decision'],
        items.map((d) => [formatDate(d.at), d.category, d.decider ?? '', d.summary]),
      ),
    );
  });

  const rights = program
    .command('decision-rights')
    .description('who decides each category of decision (security, developer experience, …)');

  withJson(rights.command('show').description('show the decision-rights table')).action(
    async (opts: { json?: boolean }) => {
      const items = await fetchAll<CategoryJson>(apiClient(io), '/decision-rights');
      if (opts.json) return printJson(io, items);
      io.out(
        formatTable(
          ['Category', 'Label', 'Decided by'],
          items.map((c) => [c.key, c.label, deciderWords(c.deciderRole)]),
        ),
      );
    },
  );

  withJson(
    rights
      .command('set')
      .description('add a category or change who decides it (admins)')
      .argument('<key>', 'the category, e.g. security or developer-experience')
      .addOption(
        new Option('--decider <role>', 'the role that decides')
          .choices(DECIDER_ROLES)
          .makeOptionMandatory(),
      )
      .option('--label <label>', 'how paved names it (required for a new category)'),
  ).action(async (key: string, opts: { decider: string; label?: string; json?: boolean }) => {
    const client = apiClient(io);
    const current = await fetchAll<CategoryJson>(client, '/decision-rights');
    const label = opts.label ?? current.find((c) => c.key === key)?.label;
    if (!label) {
      throw new CliError(
        `"${key}" is a new category: give it a name with --label, e.g. --label "${key[0]?.toUpperCase() ?? ''}${key.slice(1).replace(/-/g, ' ')}".`,
        EXIT.usage,
      );
    }
    const answer = await client.request<{ items: CategoryJson[] }>('PUT', '/decision-rights', {
      categories: [{ key, label, deciderRole: opts.decider }],
    });
    if (opts.json) return printJson(io, answer.items);
    io.err(`${label} (${key}) is now decided by ${deciderWords(opts.decider).toLowerCase()}.`);
  });
}
