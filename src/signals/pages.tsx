import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import {
  DataTable,
  ErrorSummary,
  Field,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { KEPT_REJECTIONS } from './model.ts';
import { ctxOf, formErrors, readForm, Tag, When } from './pages-shared.tsx';
import { registerSourcePages, SourcesSection } from './pages-sources.tsx';
import {
  mapRepository,
  recoverUnmapped,
  storedSecretState,
  unmapRepository,
} from './service-github.ts';
import { listDeliveries, listRepositoryMappings, unmappedRepositories } from './store-github.ts';
import { listBatches, listSources } from './store-sources.ts';

/** The ingestion status page's path; the figures pages link here. */
export const INGESTION_PATH = '/ingestion';

const DONE: Record<string, string> = {
  mapped: 'The repository now belongs to the team.',
  unmapped: 'The repository was removed from the table.',
  recovered: 'Waiting deliveries were processed again.',
  secret: 'The webhook secret was changed. The previous one keeps working until you forget it.',
  forgot: 'The previous webhook secret no longer works.',
  revoked: 'The token was revoked: it no longer works.',
};

interface PageState {
  values?: Record<string, string>;
  errors?: FieldError[];
  notice?: string | null;
  /** A token value to show once (just created). */
  created?: { source: string; token: string } | null;
}

async function ingestionPage(c: Context<AppEnv>, deps: Deps, state: PageState, status = 200) {
  const { db } = deps.handle;
  const actor = c.get('actor');
  const admin = can(actor, 'signals.sources');
  const [batches, rejected, deliveries, waiting, mappings, teams] = await Promise.all([
    listBatches(db, { limit: 20 }),
    listBatches(db, { limit: 10, withRejections: true }),
    listDeliveries(db, { limit: 20 }),
    unmappedRepositories(db),
    listRepositoryMappings(db),
    listTeams(db),
  ]);
  const slugOf = new Map(teams.map((t) => [t.id, t]));
  const errors = state.errors ?? [];
  const done = state.notice ?? DONE[c.req.query('done') ?? ''] ?? null;
  const rejections = rejected.items.flatMap((b) =>
    b.rejectedLines.map((r) => ({ ...r, batch: b })),
  );
  const csrf = c.get('csrfToken');
  return renderPage(
    c,
    { title: 'Event ingestion', status: status as 200 | 400 },
    <>
      <h1>Event ingestion</h1>
      <p class="lead">
        What paved has taken in — batches of events, the lines it rejected, GitHub deliveries — and
        which team each repository belongs to.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      {state.created ? (
        <Notice>
          The token for {state.created.source} is <code>{state.created.token}</code>. It is shown
          only this once: store it in your CI’s secrets now.
        </Notice>
      ) : null}
      <ErrorSummary errors={errors} />

      <h2>Recent batches</h2>
      <DataTable
        caption="The latest 20 requests, newest first"
        rows={batches.items}
        empty="No events yet. Send some with paved event send, the API (POST /api/v1/events) or the GitHub webhook."
        columns={[
          { label: 'When (UTC)', cell: (b) => <When iso={b.receivedAt} /> },
          { label: 'Source', cell: (b) => b.sourceName },
          { label: 'Via', cell: (b) => b.via },
          { label: 'Lines', numeric: true, cell: (b) => b.lines },
          { label: 'Accepted', numeric: true, cell: (b) => b.accepted },
          { label: 'Duplicates', numeric: true, cell: (b) => b.duplicates },
          { label: 'Rejected', numeric: true, cell: (b) => b.rejected },
        ]}
      />

      <h2>Rejected lines</h2>
      <p>
        From the 10 latest batches with rejections; each batch keeps its first {KEPT_REJECTIONS}{' '}
        rejected lines. Fix them and send the same lines again: accepted ones come back as
        duplicates.
      </p>
      <DataTable
        caption="Rejected lines, newest batch first"
        rows={rejections}
        empty="No line has been rejected."
        columns={[
          { label: 'Batch (UTC)', cell: (r) => <When iso={r.batch.receivedAt} /> },
          { label: 'Source', cell: (r) => r.batch.sourceName },
          { label: 'Line', numeric: true, cell: (r) => r.line },
          { label: 'Reason', cell: (r) => r.reason },
        ]}
      />

      <h2>GitHub webhook deliveries</h2>
      <DataTable
        caption="The latest 20 deliveries, newest first"
        rows={deliveries.items}
        empty="No deliveries yet. Point a GitHub webhook at /hooks/github with the secret (see the README)."
        columns={[
          { label: 'When (UTC)', cell: (d) => <When iso={d.receivedAt} /> },
          {
            label: 'Event',
            cell: (d) => `${d.event}${d.action ? ` (${d.action})` : ''}`,
          },
          { label: 'Repository', cell: (d) => d.repository ?? '—' },
          { label: 'Status', cell: (d) => <Tag>{d.status}</Tag> },
          { label: 'Why', cell: (d) => d.reason ?? '' },
        ]}
      />

      <h2 id="repositories">Repositories and teams</h2>
      <p>
        A delivery counts for the team its repository belongs to: the team set here, or the owner of
        a service whose <code>github.com/project-slug</code> annotation names the repository.
      </p>
      <DataTable
        caption="Repositories waiting for a team (their deliveries are kept)"
        rows={waiting}
        empty="No delivery is waiting for a team."
        columns={[
          { label: 'Repository', cell: (r) => r.repository },
          { label: 'Deliveries waiting', numeric: true, cell: (r) => r.deliveries },
          { label: 'Latest (UTC)', cell: (r) => <When iso={r.lastAt} /> },
        ]}
      />
      {waiting.length > 0 ? (
        <Form action="/ingestion/recover" csrfToken={csrf}>
          <button type="submit">Process waiting deliveries again</button>
        </Form>
      ) : null}
      <Form action="/ingestion/repositories" csrfToken={csrf}>
        <Field
          name="repository"
          label="Repository"
          hint="owner/name, such as acme/checkout"
          value={state.values?.repository ?? waiting[0]?.repository ?? ''}
          error={errors.find((e) => e.path === 'repository')?.message}
        />
        <SelectField
          name="team"
          label="Team"
          value={state.values?.team}
          error={errors.find((e) => e.path === 'team')?.message}
          options={[
            { value: '', label: 'Choose a team' },
            ...teams.map((t) => ({ value: t.slug, label: t.name })),
          ]}
        />
        <button type="submit">Map the repository to the team</button>
      </Form>
      <DataTable
        caption="Repositories with a team"
        rows={mappings}
        empty="No repository has a team yet."
        columns={[
          { label: 'Repository', cell: (m) => m.repository },
          { label: 'Team', cell: (m) => slugOf.get(m.teamId)?.name ?? '—' },
          {
            label: 'From',
            cell: (m) => (m.via === 'table' ? 'Set here' : 'Service annotation'),
          },
          {
            label: 'Action',
            cell: (m) =>
              m.via === 'table' ? (
                <Form action="/ingestion/repositories/remove" csrfToken={csrf} class="inline-form">
                  <input type="hidden" name="repository" value={m.repository} />
                  <button type="submit" class="link-button">
                    Remove {m.repository}
                  </button>
                </Form>
              ) : (
                ''
              ),
          },
        ]}
      />
      {admin ? (
        <SourcesSection
          sources={await listSources(db)}
          csrf={csrf}
          errors={errors}
          values={state.values ?? {}}
          secretFromEnv={deps.config.githubWebhookSecrets.length > 0}
          secretStored={await storedSecretState(db)}
        />
      ) : null}
    </>,
  );
}

/** The ingestion status page, the repository mapping and (admins) sources and tokens. */
export function registerSignalsPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get(INGESTION_PATH, policy('signals.ingestion'), (c) => ingestionPage(c, deps, {}));

  web.post('/ingestion/repositories', policy('signals.ingestion'), async (c) => {
    const values = await readForm(c);
    try {
      const recovered = await mapRepository(db, ctxOf(c), {
        repository: values.repository ?? '',
        team: values.team ?? '',
      });
      if (recovered > 0)
        return ingestionPage(c, deps, {
          notice: `The repository now belongs to the team; ${recovered} waiting deliveries were recovered.`,
        });
      return c.redirect(`${INGESTION_PATH}?done=mapped#repositories`, 303);
    } catch (error) {
      const problems = formErrors(error, 'repository');
      if (!problems) throw error;
      if (!values.team) problems.push({ path: 'team', message: 'Choose a team.' });
      return ingestionPage(c, deps, { values, errors: problems }, 400);
    }
  });

  web.post('/ingestion/repositories/remove', policy('signals.ingestion'), async (c) => {
    const values = await readForm(c);
    await unmapRepository(db, ctxOf(c), values.repository ?? '');
    return c.redirect(`${INGESTION_PATH}?done=unmapped#repositories`, 303);
  });

  web.post('/ingestion/recover', policy('signals.ingestion'), async (c) => {
    await recoverUnmapped(db);
    return c.redirect(`${INGESTION_PATH}?done=recovered#repositories`, 303);
  });

  registerSourcePages(web, deps, (c, state, status) => ingestionPage(c, deps, state, status));
}
