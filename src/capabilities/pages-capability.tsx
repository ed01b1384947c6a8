import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { parsePeriod, quarterOf } from '../core/period.ts';
import { can } from '../core/policy.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { DateText, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { CapabilityFeedback } from '../feedback/pages-home.tsx';
import { getTeamById, listTeams } from '../org/store.ts';
import { type ValueFigures, valueFigures } from '../signals/figures-value.ts';
import { ValueSection } from '../signals/pages-value.tsx';
import { type CapabilityFigures, capabilityFigures } from './figures.ts';
import { type Capability, type DecisionCategory, deciderLabel, type Mandate } from './model.ts';
import { registerChoicesPage } from './pages-choices.tsx';
import { FiguresSection } from './pages-figures.tsx';
import { AdoptionTable, HistoryTable } from './pages-ledger.tsx';
import { capabilityPath, STAGE_WORDS, teamPath, teamsFor, userNames } from './pages-shared.tsx';
import { TeamBox, teamBoxData } from './pages-team-box.tsx';
import { capabilityOrThrow } from './service.ts';
import { getMandate, ledgerStates, listCategories, listEvents, listReasons } from './store.ts';

const HISTORY_PAGE = 20;

const DONE: Record<string, string> = {
  created: 'The capability is in the catalog.',
  saved: 'Your changes are saved.',
  trial: 'Recorded: the team is trying it.',
  adopted: 'Recorded: the team has adopted it.',
  left: 'Recorded: the team has left it. The reason and the alternative are in its history.',
  'opted-out':
    'Recorded: the team has opted out. The reason and the alternative are in its history.',
  mandate: 'The mandate is recorded and in the decision log.',
  lifted: 'The mandate is lifted: teams can now choose.',
};

/** Why a mandatory capability is required, who required it and what limits the cost: shown first. */
function MandateBlock(props: { mandate: Mandate; category: DecisionCategory | undefined }) {
  const { mandate, category } = props;
  return (
    <section class="mandate" aria-labelledby="why-required">
      <h2 id="why-required">Why this is required</h2>
      <p>{mandate.reason}</p>
      <h3>Who required it</h3>
      <p>
        {category?.label ?? mandate.category}.{' '}
        {category ? `${deciderLabel(category.deciderRole)} on exceptions to it.` : null}
      </p>
      <h3>What we are doing about the cost to you</h3>
      <p>{mandate.mitigation}</p>
      <p class="muted">
        Next review: <DateText iso={mandate.reviewOn} />
      </p>
    </section>
  );
}

function About({
  capability,
  owner,
}: {
  capability: Capability;
  owner?: { name: string; slug: string };
}) {
  return (
    <section aria-labelledby="about">
      <h2 id="about">About it</h2>
      <p>{capability.summary}</p>
      <dl class="facts">
        <dt>Stage</dt>
        <dd>{STAGE_WORDS[capability.stage]}</dd>
        <dt>Required?</dt>
        <dd>
          {capability.obligation === 'mandatory' ? 'Required' : 'Optional: each team chooses'}
        </dd>
        <dt>Owner team</dt>
        <dd>{owner ? <a href={teamPath(owner.slug)}>{owner.name}</a> : 'No owner team yet'}</dd>
        <dt>Documentation</dt>
        <dd>
          {capability.docsUrl ? (
            <a href={capability.docsUrl}>{capability.docsUrl}</a>
          ) : (
            'None linked yet'
          )}
        </dd>
        <dt>Offered to</dt>
        <dd>
          {capability.eligibleTeamIds.length === 0
            ? 'Every team'
            : `${capability.eligibleTeamIds.length} ${capability.eligibleTeamIds.length === 1 ? 'team' : 'teams'} and the teams within them`}
        </dd>
      </dl>
    </section>
  );
}

/** One capability: mandate first, then what it is, your team, figures, teams and history. */
export function registerCapabilityPage(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  // The full list of teams' choices that the page sums up past a few teams.
  registerChoicesPage(web, deps);

  web.get('/capabilities/:slug', policy('capability.read'), async (c) => {
    const actor = c.get('actor');
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const mandate = await getMandate(db, capability.id);
    const categories = await listCategories(db);
    const category = mandate ? categories.find((k) => k.key === mandate.category) : undefined;
    const teams = await listTeams(db, { includeInactive: true });
    const teamsById = new Map(teams.map((t) => [t.id, t]));
    const ownTeam = actor?.teamId ? await getTeamById(db, actor.teamId) : undefined;
    const box = ownTeam ? await teamBoxData(db, actor, capability, ownTeam) : null;
    const actable = await teamsFor(db, actor, 'adoption.change');
    const { figures, period, errors } = await loadFigures(c, deps, capability);
    const value = await loadValue(c, deps, capability);
    const states = await ledgerStates(db, { capabilityId: capability.id });
    const history = await listEvents(db, {
      capabilityId: capability.id,
      limit: HISTORY_PAGE,
      cursor: c.req.query('cursor') || undefined,
    });
    const names = await userNames(
      db,
      history.items.map((e) => e.actorId),
    );
    const reasons = new Map((await listReasons(db)).map((r) => [r.key, r.label]));
    const decidesSome = categories.some((k) =>
      can(actor, 'mandate.record', { deciderRole: k.deciderRole }),
    );
    const decidesThis = category
      ? can(actor, 'mandate.record', { deciderRole: category.deciderRole })
      : false;
    const done = DONE[c.req.query('done') ?? ''];
    const olderHref = history.nextCursor
      ? `${capabilityPath(capability.slug)}?${new URLSearchParams({ period, cursor: history.nextCursor }).toString()}#history`
      : null;
    const owner = capability.ownerTeamId ? teamsById.get(capability.ownerTeamId) : undefined;
    return renderPage(
      c,
      { title: capability.name, status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>{capability.name}</h1>
        <p class="lead">
          {mandate
            ? 'This capability is required: see why and what limits the cost to you, what your team can do, and how teams find it.'
            : 'See what it is, whether your team uses it, and how the teams that tried it chose.'}
        </p>
        {done ? <Notice>{done}</Notice> : null}
        {mandate ? <MandateBlock mandate={mandate} category={category} /> : null}
        <About capability={capability} owner={owner} />
        {can(actor, 'capability.manage') || (mandate ? decidesThis : decidesSome) ? (
          <div class="row-actions">
            {can(actor, 'capability.manage') ? (
              <a class="button secondary" href={capabilityPath(capability.slug, '/edit')}>
                Edit {capability.name}
              </a>
            ) : null}
            {mandate && decidesThis ? (
              <>
                <a class="button secondary" href={capabilityPath(capability.slug, '/mandate')}>
                  Change the mandate
                </a>
                <a class="button secondary" href={capabilityPath(capability.slug, '/mandate/lift')}>
                  Lift the mandate
                </a>
              </>
            ) : null}
            {!mandate && decidesSome ? (
              <a class="button secondary" href={capabilityPath(capability.slug, '/mandate')}>
                Record the mandate
              </a>
            ) : null}
          </div>
        ) : null}
        <TeamBox
          capability={capability}
          mandate={mandate}
          data={box}
          otherTeams={actable.some((t) => t.id !== ownTeam?.id)}
          csrfToken={c.get('csrfToken')}
        />
        <FiguresSection capability={capability} period={period} figures={figures} errors={errors} />
        {value ? (
          <section aria-labelledby="time-saved">
            <h2 id="time-saved">Time it saves</h2>
            <ValueSection f={value} />
          </section>
        ) : null}
        <AdoptionTable
          capability={capability}
          states={states}
          teams={teamsById}
          reasons={reasons}
          untouched={
            capability.eligibleTeamIds.length === 0
              ? teams.filter((t) => !t.inactiveSince && !states.some((s) => s.teamId === t.id))
                  .length
              : 0
          }
        />
        <HistoryTable
          events={history.items}
          teams={teamsById}
          reasons={reasons}
          names={names}
          olderHref={olderHref}
        />
        <CapabilityFeedback db={db} capability={capability} />
        <p>
          <a href={`/decisions?capability=${encodeURIComponent(capability.slug)}`}>
            Decisions about {capability.name}
          </a>
        </p>
      </>,
    );
  });
}

/** The value figure (signals area); the rest of the page stands if it cannot be worked out. */
async function loadValue(
  c: Context<AppEnv>,
  deps: Deps,
  capability: Capability,
): Promise<ValueFigures | null> {
  try {
    return await valueFigures(deps.handle.db, capability);
  } catch (error) {
    c.get('log').error({ err: error }, 'value figures failed');
    return null;
  }
}

/** The period asked for (this quarter by default) and its figures; a bad period is a form error. */
async function loadFigures(
  c: Context<AppEnv>,
  deps: Deps,
  capability: Capability,
): Promise<{ figures: CapabilityFigures | null; period: string; errors: FieldError[] }> {
  const asked = c.req.query('period');
  let period = quarterOf(new Date());
  if (asked) {
    try {
      period = parsePeriod(asked);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return { figures: null, period: quarterOf(new Date()).key, errors: error.errors };
    }
  }
  try {
    const k = await getSetting(deps.handle.db, anonymityK);
    return {
      figures: await capabilityFigures(deps.handle.db, capability, period, { k }),
      period: period.key,
      errors: [],
    };
  } catch (error) {
    // The page still shows the mandate, the team's state and the history.
    c.get('log').error({ err: error }, 'capability figures failed');
    return { figures: null, period: period.key, errors: [] };
  }
}
