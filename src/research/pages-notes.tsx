// A research note with its friction points, quotes and the items made from
// them; the list of every note; deleting a note after a confirmation.

import type { Hono } from 'hono';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getUserById } from '../identity/store.ts';
import { type Friction, KIND_LABELS, NOTE_KINDS, SEVERITY_LABELS } from './model.ts';
import {
  ctxOf,
  LinkList,
  minutesText,
  NOTES_PATH,
  noteLabel,
  RESEARCH_PATH,
  Tag,
} from './pages-shared.tsx';
import { frictionPath, noteDetail, notePath, removeNote } from './service.ts';
import { listNotes } from './store.ts';

const DONE: Record<string, string> = {
  created: 'The note is recorded.',
  edited: 'Your changes are saved.',
  filed: 'The feedback is filed and linked to the friction point.',
  linked: 'The item is linked to the friction point.',
  unlinked: 'The link is removed; the item itself is unchanged.',
};

export function registerNotePages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get(NOTES_PATH, policy('research.read'), async (c) => {
    const kindParam = c.req.query('kind') || undefined;
    const kind = NOTE_KINDS.find((k) => k === kindParam);
    const errors =
      kindParam && !kind
        ? [{ path: 'kind', message: 'Choose interview, shadowing or usability test.' }]
        : [];
    let page: Awaited<ReturnType<typeof listNotes>> = { items: [], nextCursor: null };
    try {
      if (errors.length === 0)
        page = await listNotes(db, { kind, limit: 25, cursor: c.req.query('cursor') || undefined });
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors.push(...error.errors);
    }
    const manage = can(c.get('actor') ?? null, 'research.manage');
    return renderPage(
      c,
      { title: 'Research notes', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Research notes</h1>
        <p class="lead">
          Every interview, shadowing session and usability test, most recent first. The{' '}
          <a href={RESEARCH_PATH}>synthesis</a> ranks what they found.
        </p>
        {manage ? (
          <p>
            <a class="button" href={`${NOTES_PATH}/new`}>
              Record a research note
            </a>
          </p>
        ) : null}
        <ErrorSummary errors={errors} />
        <form method="get" action={NOTES_PATH} class="inline-form" novalidate>
          <SelectField
            name="kind"
            label="Kind"
            value={kind ?? ''}
            error={errors.find((e) => e.path === 'kind')?.message}
            options={[
              { value: '', label: 'Every kind' },
              ...NOTE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
            ]}
          />
          <button type="submit">Show the notes</button>
        </form>
        <DataTable
          caption="Research notes, most recent first"
          rows={page.items}
          empty="No research notes yet. Record the first one after your next interview or shadowing session."
          columns={[
            { label: 'Date', cell: (n) => <a href={notePath(n.id)}>{noteLabel(n)}</a> },
            { label: 'Workflow', cell: (n) => n.workflow },
            { label: 'Team', cell: (n) => n.team?.name ?? '–' },
            { label: 'Personas', cell: (n) => n.personas.join(', ') || '–' },
            { label: 'Friction points', numeric: true, cell: (n) => n.frictions },
          ]}
        />
        {page.nextCursor ? (
          <p>
            <a
              href={`${NOTES_PATH}?${new URLSearchParams({ ...(kind ? { kind } : {}), cursor: page.nextCursor })}`}
            >
              Older notes
            </a>
          </p>
        ) : null}
      </>,
    );
  });

  web.get(`${NOTES_PATH}/:id`, policy('research.read'), async (c) => {
    const note = await noteDetail(db, ctxOf(c), c.req.param('id'));
    const manage = can(c.get('actor') ?? null, 'research.manage');
    const author = note.createdBy ? await getUserById(db, note.createdBy) : undefined;
    const done = DONE[c.req.query('done') ?? ''];
    return renderPage(
      c,
      { title: `${KIND_LABELS[note.kind]}: ${note.workflow}` },
      <>
        <p>
          <a href={RESEARCH_PATH}>User research</a> › <a href={NOTES_PATH}>Notes</a>
        </p>
        <h1>
          {KIND_LABELS[note.kind]}: {note.workflow}
        </h1>
        {done ? <Notice>{done}</Notice> : null}
        <dl class="facts">
          <dt>Held on</dt>
          <dd>
            <DateText iso={note.heldOn} />
          </dd>
          <dt>Team</dt>
          <dd>{note.team ? <a href={`/teams/${note.team.slug}`}>{note.team.name}</a> : '–'}</dd>
          <dt>Personas</dt>
          <dd>
            {note.personas.length > 0
              ? note.personas.map((p) => (
                  <>
                    <a href={`${RESEARCH_PATH}?persona=${encodeURIComponent(p)}`}>{p}</a>{' '}
                  </>
                ))
              : '–'}
          </dd>
          <dt>Recorded by</dt>
          <dd>{author?.name ?? 'The platform team'}</dd>
        </dl>
        {manage ? (
          <p class="row-actions">
            <a class="button secondary" href={notePath(note.id, '/edit')}>
              Edit the note
            </a>
            <a class="button secondary" href={notePath(note.id, '/delete')}>
              Delete the note
            </a>
          </p>
        ) : null}
        {note.summary ? (
          <>
            <h2>Summary</h2>
            <p class="prose">{note.summary}</p>
          </>
        ) : null}
        <h2>Steps walked through</h2>
        <ol>
          {note.steps.map((s) => (
            <li>{s}</li>
          ))}
        </ol>
        <h2>Friction points</h2>
        {note.frictions.length === 0 ? (
          <EmptyState>No friction points recorded: everything went smoothly.</EmptyState>
        ) : (
          note.frictions.map((f, i) => <FrictionCard f={f} n={i + 1} manage={manage} />)
        )}
      </>,
    );
  });

  web.get(`${NOTES_PATH}/:id/delete`, policy('research.manage'), async (c) => {
    const note = await noteDetail(db, ctxOf(c), c.req.param('id'));
    const links = note.frictions.reduce((n, f) => n + f.links.length, 0);
    return renderPage(
      c,
      { title: 'Delete the research note' },
      <>
        <h1>Delete the research note?</h1>
        <p class="lead">
          {noteLabel(note)}: {note.workflow}. Its {note.frictions.length} friction points go with
          it, and they no longer count in the synthesis.
          {links > 0
            ? ` The ${links} feedback and roadmap links go too; the items themselves stay.`
            : ''}
        </p>
        <Form action={notePath(note.id, '/delete')} csrfToken={c.get('csrfToken')}>
          <button type="submit" class="danger">
            Delete the note
          </button>
        </Form>
        <p>
          <a href={notePath(note.id)}>Keep it</a>
        </p>
      </>,
    );
  });

  web.post(`${NOTES_PATH}/:id/delete`, policy('research.manage'), async (c) => {
    await removeNote(db, ctxOf(c), c.req.param('id'));
    return c.redirect(`${RESEARCH_PATH}?done=deleted`, 303);
  });
}

function FrictionCard({ f, n, manage }: { f: Friction; n: number; manage: boolean }) {
  return (
    <section class="question-row" aria-labelledby={`friction-${f.id}`}>
      <h3 id={`friction-${f.id}`}>
        {n}. {f.step}
      </h3>
      <dl class="facts">
        <dt>Capability</dt>
        <dd>{f.capability?.name ?? '–'}</dd>
        <dt>Severity</dt>
        <dd>
          <Tag>{SEVERITY_LABELS[f.severity]}</Tag>
        </dd>
        <dt>Time lost</dt>
        <dd>{f.minutesLost === null ? 'Not noted' : minutesText(f.minutesLost)}</dd>
        <dt>Made into</dt>
        <dd>
          <LinkList links={f.links} />
        </dd>
      </dl>
      {f.quote ? (
        <blockquote>
          <p>“{f.quote}”</p>
        </blockquote>
      ) : null}
      {manage ? (
        <p class="row-actions">
          <a href={frictionPath(f.id, '/feedback')}>
            File as feedback<span class="visually-hidden">: {f.step}</span>
          </a>
          <a href={frictionPath(f.id, '/link')}>
            Link a feedback or roadmap item<span class="visually-hidden">: {f.step}</span>
          </a>
        </p>
      ) : null}
    </section>
  );
}
