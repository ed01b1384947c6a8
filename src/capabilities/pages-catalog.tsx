import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { DataTable, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getTeamById, listTeams } from '../org/store.ts';
import {
  type AdoptionState,
  type Capability,
  type Mandate,
  OBLIGATIONS,
  type Obligation,
  STAGES,
  type Stage,
} from './model.ts';
import { registerCapabilityFormPages } from './pages-capability-form.tsx';
import {
  capabilityPath,
  errorFor,
  STAGE_WORDS,
  STATE_WORDS,
  Tag,
  teamPath,
} from './pages-shared.tsx';
import { getMandate, ledgerStates, listCapabilities } from './store.ts';

interface Row {
  capability: Capability;
  mandate: Mandate | undefined;
  owner: { name: string; slug: string } | null;
  yours: AdoptionState | null;
}

const SORTS = ['name', 'stage', 'owner'] as const;
type SortKey = (typeof SORTS)[number];

/** The short "why" of a mandate for a table cell: its first sentence, at most ~80 characters. */
function shortWhy(reason: string): string {
  const first = reason.split(/(?<=[.!?])\s/)[0] ?? reason;
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

function sortRows(rows: Row[], key: SortKey, dir: 'asc' | 'desc'): Row[] {
  const value = (r: Row): string | number =>
    key === 'stage'
      ? STAGES.indexOf(r.capability.stage)
      : key === 'owner'
        ? (r.owner?.name ?? '\uffff').toLowerCase()
        : r.capability.name.toLowerCase();
  const sorted = [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return x < y ? -1 : x > y ? 1 : a.capability.name.localeCompare(b.capability.name);
  });
  return dir === 'desc' ? sorted.reverse() : sorted;
}

async function catalogRows(
  db: Db,
  filter: { stage?: Stage; obligation?: Obligation },
  teamId: string | null,
): Promise<Row[]> {
  const capabilities = await listCapabilities(db, filter);
  const teams = new Map((await listTeams(db, { includeInactive: true })).map((t) => [t.id, t]));
  const states = teamId
    ? new Map((await ledgerStates(db, { teamId })).map((s) => [s.capabilityId, s.state]))
    : null;
  const rows: Row[] = [];
  for (const capability of capabilities) {
    const owner = capability.ownerTeamId ? teams.get(capability.ownerTeamId) : undefined;
    rows.push({
      capability,
      mandate:
        capability.obligation === 'mandatory' ? await getMandate(db, capability.id) : undefined,
      owner: owner ? { name: owner.name, slug: owner.slug } : null,
      yours: states ? (states.get(capability.id) ?? 'none') : null,
    });
  }
  return rows;
}

/** The catalog (filtered by stage and obligation), and the pages that add and edit capabilities. */
export function registerCatalogPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/capabilities', policy('capability.read'), async (c) => catalogPage(c, db));

  registerCapabilityFormPages(web, deps);
}

async function catalogPage(c: Context<AppEnv>, db: Db) {
  const actor = c.get('actor');
  const q = c.req.query();
  const errors: FieldError[] = [];
  const stage = q.stage || undefined;
  const obligation = q.obligation || undefined;
  if (stage && !STAGES.includes(stage as Stage)) {
    errors.push({ path: 'stage', message: 'Choose a stage from the list.' });
  }
  if (obligation && !OBLIGATIONS.includes(obligation as Obligation)) {
    errors.push({ path: 'obligation', message: 'Choose required or optional from the list.' });
  }
  const sortKey: SortKey = SORTS.includes(q.sort as SortKey) ? (q.sort as SortKey) : 'name';
  const dir = q.dir === 'desc' ? 'desc' : 'asc';
  const team = actor?.teamId ? await getTeamById(db, actor.teamId) : undefined;
  const rows =
    errors.length > 0
      ? []
      : sortRows(
          await catalogRows(
            db,
            { stage: stage as Stage | undefined, obligation: obligation as Obligation | undefined },
            team?.id ?? null,
          ),
          sortKey,
          dir,
        );
  const filtered = Boolean(stage || obligation);
  const href = (key: string, d: 'asc' | 'desc') => {
    const params = new URLSearchParams();
    if (stage) params.set('stage', stage);
    if (obligation) params.set('obligation', obligation);
    params.set('sort', key);
    params.set('dir', d);
    return `/capabilities?${params.toString()}`;
  };
  return renderPage(
    c,
    { title: 'Capabilities', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Capabilities</h1>
      <p class="lead">
        Everything the platform offers, which of it is required and why, and what your team uses:
        open one to adopt it, leave it or ask for an exception.
      </p>
      {can(actor, 'capability.manage') ? (
        <p>
          <a class="button" href="/capabilities/new">
            Add a capability
          </a>
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <form method="get" action="/capabilities" class="filters inline-form" novalidate>
        <SelectField
          name="stage"
          label="Stage"
          value={stage}
          error={errorFor(errors, 'stage')}
          options={[
            { value: '', label: 'Any stage' },
            ...STAGES.map((s) => ({ value: s, label: STAGE_WORDS[s] })),
          ]}
        />
        <SelectField
          name="obligation"
          label="Required or optional"
          value={obligation}
          error={errorFor(errors, 'obligation')}
          options={[
            { value: '', label: 'Either' },
            { value: 'mandatory', label: 'Required' },
            { value: 'optional', label: 'Optional' },
          ]}
        />
        <button type="submit">Show capabilities</button>
        {filtered ? <a href="/capabilities">Show every capability</a> : null}
      </form>
      {errors.length > 0 ? null : (
        <DataTable
          caption={filtered ? 'Matching capabilities' : 'Every capability'}
          rows={rows}
          sort={{ key: sortKey, dir, href }}
          empty={
            filtered ? (
              <>
                No capability matches these filters. <a href="/capabilities">Show every one</a>.
              </>
            ) : (
              <>
                The catalog is empty. The platform team adds what it offers here
                {can(actor, 'capability.manage') ? (
                  <>
                    : <a href="/capabilities/new">add the first capability</a>.
                  </>
                ) : (
                  '.'
                )}
              </>
            )
          }
          columns={[
            {
              label: 'Capability',
              sortKey: 'name',
              cell: (r) => <a href={capabilityPath(r.capability.slug)}>{r.capability.name}</a>,
            },
            { label: 'Stage', sortKey: 'stage', cell: (r) => STAGE_WORDS[r.capability.stage] },
            {
              label: 'Required?',
              cell: (r) =>
                r.capability.obligation === 'mandatory' ? (
                  <>
                    <Tag>Required</Tag>
                    {r.mandate ? <> {shortWhy(r.mandate.reason)}</> : null}
                  </>
                ) : (
                  'Optional'
                ),
            },
            {
              label: 'Owner team',
              sortKey: 'owner',
              cell: (r) => (r.owner ? <a href={teamPath(r.owner.slug)}>{r.owner.name}</a> : '—'),
            },
            ...(team
              ? [
                  {
                    label: `Your team (${team.name})`,
                    cell: (r: Row) => <Tag>{STATE_WORDS[r.yours ?? 'none']}</Tag>,
                  },
                ]
              : []),
          ]}
        />
      )}
    </>,
  );
}
