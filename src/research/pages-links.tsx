// From a friction point to the work it caused: file it as feedback (a
// confirmation form with its facts prefilled, never its quote or team), or
// link an existing feedback or roadmap item; and remove a link.

import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { FEEDBACK_KINDS, type FeedbackKind } from '../feedback/model.ts';
import { type Friction, type FrictionLink, type ResearchNote, SEVERITY_LABELS } from './model.ts';
import { ctxOf, errorFor, formErrors, noteLabel, readForm } from './pages-shared.tsx';
import {
  feedbackDraft,
  fileFrictionAsFeedback,
  frictionOrThrow,
  frictionPath,
  linkFriction,
  noteOrThrow,
  notePath,
  unlinkFriction,
} from './service.ts';

const KIND_WORDS: Record<FeedbackKind, string> = {
  problem: 'A problem',
  idea: 'An idea',
  question: 'A question',
  praise: 'Praise',
};

const LINK_KINDS = [
  { value: 'feedback', label: 'A feedback item' },
  { value: 'roadmap', label: 'A roadmap item' },
];

/** Where a friction point sits on its note's page. */
const backTo = (f: Friction, done: string) => `${notePath(f.noteId)}?done=${done}#friction-${f.id}`;

function FrictionFacts({ note, f }: { note: ResearchNote; f: Friction }) {
  return (
    <dl class="facts">
      <dt>Note</dt>
      <dd>
        <a href={notePath(note.id)}>
          {noteLabel(note)}: {note.workflow}
        </a>
      </dd>
      <dt>Step</dt>
      <dd>{f.step}</dd>
      <dt>Capability</dt>
      <dd>{f.capability?.name ?? '–'}</dd>
      <dt>Severity</dt>
      <dd>{SEVERITY_LABELS[f.severity]}</dd>
    </dl>
  );
}

export function registerLinkPages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  async function load(c: Context<AppEnv>) {
    const f = await frictionOrThrow(db, c.req.param('id') ?? '');
    return { f, note: await noteOrThrow(db, f.noteId) };
  }

  async function filePage(
    c: Context<AppEnv>,
    values: Record<string, string>,
    errors: FieldError[],
  ) {
    const { f, note } = await load(c);
    return renderPage(
      c,
      { title: 'File a friction point as feedback', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>File this friction point as feedback</h1>
        <p class="lead">
          Check the text, then file it. It is posted under your name, everyone can read and vote on
          it, and it is linked to the friction point.
        </p>
        <FrictionFacts note={note} f={f} />
        <ErrorSummary errors={errors} />
        <Form action={frictionPath(f.id, '/feedback')} csrfToken={c.get('csrfToken')}>
          <SelectField
            name="kind"
            label="What it is"
            value={values.kind}
            error={errorFor(errors, 'kind')}
            options={FEEDBACK_KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] }))}
          />
          <Field
            name="title"
            label="Title"
            value={values.title}
            error={errorFor(errors, 'title')}
          />
          <Field
            name="body"
            label="Details"
            hint="The participant’s words and team are not copied here: feedback is visible to everyone."
            multiline
            value={values.body}
            error={errorFor(errors, 'body')}
          />
          <button type="submit">File the feedback</button>
        </Form>
        <p>
          <a href={notePath(note.id)}>Cancel</a>
        </p>
      </>,
    );
  }

  web.get('/research/frictions/:id/feedback', policy('research.manage'), async (c) => {
    const { f, note } = await load(c);
    const draft = feedbackDraft(note, f);
    return filePage(c, { kind: draft.kind, title: draft.title, body: draft.body }, []);
  });

  web.post('/research/frictions/:id/feedback', policy('research.manage'), async (c) => {
    const { f, note } = await load(c);
    const values = await readForm(c);
    const kind = FEEDBACK_KINDS.find((k) => k === values.kind);
    if (!kind) return filePage(c, values, [{ path: 'kind', message: 'Choose what it is.' }]);
    try {
      await fileFrictionAsFeedback(db, ctxOf(c), f.id, {
        kind,
        title: values.title ?? '',
        body: values.body ?? '',
        capability: feedbackDraft(note, f).capability,
      });
      return c.redirect(backTo(f, 'filed'), 303);
    } catch (error) {
      const problems = formErrors(error, 'title');
      if (!problems) throw error;
      return filePage(c, values, problems);
    }
  });

  async function linkPage(
    c: Context<AppEnv>,
    values: Record<string, string>,
    errors: FieldError[],
  ) {
    const { f, note } = await load(c);
    return renderPage(
      c,
      { title: 'Link a friction point', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Link a feedback or roadmap item to this friction point</h1>
        <p class="lead">Say which item answers it, so the synthesis shows what became of it.</p>
        <FrictionFacts note={note} f={f} />
        {f.links.length > 0 ? (
          <>
            <h2>Linked now</h2>
            <ul>
              {f.links.map((l) => (
                <li>
                  <LinkedItem f={f} l={l} csrf={c.get('csrfToken')} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2>Add a link</h2>
        <ErrorSummary errors={errors} />
        <Form action={frictionPath(f.id, '/link')} csrfToken={c.get('csrfToken')}>
          <SelectField
            name="kind"
            label="What to link"
            value={values.kind}
            options={LINK_KINDS}
            error={errorFor(errors, 'kind')}
          />
          <Field
            name="item"
            label="The item’s id or address"
            hint="Copy it from the item’s page, like /feedback/abc123 or /roadmap/xyz789."
            value={values.item}
            error={errorFor(errors, 'item')}
          />
          <button type="submit">Link the item</button>
        </Form>
        <p>
          <a href={notePath(note.id)}>Back to the note</a>
        </p>
      </>,
    );
  }

  web.get('/research/frictions/:id/link', policy('research.manage'), (c) =>
    linkPage(c, { kind: c.req.query('kind') === 'roadmap' ? 'roadmap' : 'feedback' }, []),
  );

  web.post('/research/frictions/:id/link', policy('research.manage'), async (c) => {
    const { f } = await load(c);
    const values = await readForm(c);
    const kind =
      values.kind === 'roadmap' ? 'roadmap' : values.kind === 'feedback' ? 'feedback' : null;
    if (!kind) return linkPage(c, values, [{ path: 'kind', message: 'Choose what to link.' }]);
    try {
      await linkFriction(db, ctxOf(c), f.id, { kind, id: values.item ?? '' });
      return c.redirect(backTo(f, 'linked'), 303);
    } catch (error) {
      const problems = formErrors(error, 'item');
      if (!problems) throw error;
      return linkPage(
        c,
        values,
        problems.map((e) => ({ ...e, path: 'item' })),
      );
    }
  });

  web.post('/research/frictions/:id/unlink', policy('research.manage'), async (c) => {
    const { f } = await load(c);
    const values = await readForm(c);
    const kind = values.kind === 'roadmap' ? 'roadmap' : 'feedback';
    await unlinkFriction(db, ctxOf(c), f.id, { kind, id: values.item ?? '' });
    return c.redirect(backTo(f, 'unlinked'), 303);
  });
}

function LinkedItem({ f, l, csrf }: { f: Friction; l: FrictionLink; csrf: string | null }) {
  return (
    <Form action={frictionPath(f.id, '/unlink')} csrfToken={csrf} class="row-actions">
      <a href={`/${l.kind}/${encodeURIComponent(l.id)}`}>
        {l.kind === 'feedback' ? 'Feedback' : 'Roadmap'}: {l.title}
      </a>
      <span class="muted">({l.status})</span>
      <input type="hidden" name="kind" value={l.kind} />
      <input type="hidden" name="item" value={l.id} />
      <button type="submit" class="secondary">
        Remove the link<span class="visually-hidden">: {l.title}</span>
      </button>
    </Form>
  );
}
