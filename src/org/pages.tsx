import type { Hono } from 'hono';
import { TeamUseSection, teamUse } from '../capabilities/pages-team.tsx';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, EmptyState } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { buildTeamTree, type TeamNode } from './model.ts';
import {
  getTeamById,
  getTeamBySlug,
  listServices,
  listTeams,
  memberCounts,
  teamMembers,
} from './store.ts';

function peopleText(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`;
}

/** People in a team and every team below it. */
function totalPeople(node: TeamNode, counts: Map<string, number>): number {
  return node.children.reduce(
    (sum, child) => sum + totalPeople(child, counts),
    counts.get(node.team.id) ?? 0,
  );
}

function TeamTree({ nodes, counts }: { nodes: TeamNode[]; counts: Map<string, number> }) {
  return (
    <ul class="tree">
      {nodes.map((n) => (
        <li>
          <a href={`/teams/${encodeURIComponent(n.team.slug)}`}>{n.team.name}</a>{' '}
          <span class="muted">
            {n.children.length > 0
              ? `${peopleText(totalPeople(n, counts))} in all, ${counts.get(n.team.id) ?? 0} directly`
              : peopleText(counts.get(n.team.id) ?? 0)}
          </span>
          {n.children.length > 0 ? <TeamTree nodes={n.children} counts={counts} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The org area's HTML pages: the team tree and one team. */
export function registerOrgPages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get('/teams', policy('org.read'), async (c) => {
    const teams = await listTeams(db);
    const counts = await memberCounts(db);
    return renderPage(
      c,
      { title: 'Teams' },
      <>
        <h1>Teams</h1>
        <p class="lead">
          Every team in your organisation, as imported from your catalog. Open a team to see its
          people, sub-teams and services.
        </p>
        {teams.length === 0 ? (
          <EmptyState>
            No teams yet. An operator imports them with <code>paved import backstage</code> or{' '}
            <code>paved import people</code>.
          </EmptyState>
        ) : (
          <nav aria-label="Team tree">
            <TeamTree nodes={buildTeamTree(teams)} counts={counts} />
          </nav>
        )}
      </>,
    );
  });

  web.get('/teams/:slug', policy('org.read'), async (c) => {
    const slug = c.req.param('slug');
    const team = await getTeamBySlug(db, slug);
    if (!team || team.inactiveSince) throw new NotFound(`There is no team "${slug}".`);
    const parent = team.parentId ? await getTeamById(db, team.parentId) : undefined;
    const members = await teamMembers(db, team.id);
    const subTeams = (await listTeams(db)).filter((t) => t.parentId === team.id);
    const counts = await memberCounts(db);
    const services = (await listServices(db, { limit: 500, teamId: team.id })).items;
    const uses = await teamUse(db, team);
    return renderPage(
      c,
      { title: team.name },
      <>
        <h1>{team.name}</h1>
        <p class="lead">
          {team.description ?? 'A team in your organisation.'}
          {parent ? (
            <>
              {' '}
              Part of <a href={`/teams/${encodeURIComponent(parent.slug)}`}>{parent.name}</a>.
            </>
          ) : null}
        </p>
        <h2>People</h2>
        <DataTable
          caption={`People in ${team.name} (${members.length})`}
          rows={members}
          empty="No one is in this team directly. People in its sub-teams are listed on their pages."
          columns={[
            { label: 'Name', cell: (p) => p.name },
            { label: 'Level', cell: (p) => p.level ?? '—' },
            { label: 'Location', cell: (p) => p.location ?? '—' },
            { label: 'Started', cell: (p) => (p.startDate ? <DateText iso={p.startDate} /> : '—') },
          ]}
        />
        <h2>Sub-teams</h2>
        <DataTable
          caption={`Teams within ${team.name}`}
          rows={subTeams}
          empty="This team has no sub-teams."
          columns={[
            {
              label: 'Team',
              cell: (t) => <a href={`/teams/${encodeURIComponent(t.slug)}`}>{t.name}</a>,
            },
            { label: 'People', numeric: true, cell: (t) => counts.get(t.id) ?? 0 },
          ]}
        />
        <h2>Services</h2>
        <DataTable
          caption={`Services ${team.name} owns`}
          rows={services}
          empty="This team owns no services in the catalog."
          columns={[
            { label: 'Service', cell: (s) => s.name },
            { label: 'System', cell: (s) => s.system ?? '—' },
            { label: 'Repository', cell: (s) => s.repository ?? '—' },
          ]}
        />
        <TeamUseSection data={uses} />
      </>,
    );
  });
}
