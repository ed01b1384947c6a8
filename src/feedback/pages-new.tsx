// Giving feedback: kind, title, description (Markdown), capability, and
// whether to post by name or as "a developer in team X", saying exactly
// what that hides and from whom.

import type { Context, Hono } from 'hono';
import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { FEEDBACK_KINDS, type FeedbackKind, type PostedAs } from './model.ts';
import {
  ctxOf,
  errorFor,
  formErrors,
  itemPath,
  KIND_HINTS,
  KIND_WORDS,
  RadioGroup,
  readForm,
} from './pages-shared.tsx';
import { postFeedback } from './service.ts';

/** The form, and the route it posts to. */
export function registerNewItemPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/feedback/new', policy('feedback.post'), async (c) =>
    newItemPage(c, db, { capability: c.req.query('capability') ?? '' }, []),
  );

  web.post('/feedback', policy('feedback.post'), async (c) => {
    const values = await readForm(c);
    try {
      const item = await postFeedback(db, ctxOf(c), {
        kind: (values.kind ?? '') as FeedbackKind,
        title: values.title ?? '',
        body: values.body ?? '',
        capability: values.capability || null,
        team: values.team || null,
        postedAs: (values.postedAs ?? '') as PostedAs,
      });
      return c.redirect(`${itemPath(item.id)}?done=posted`, 303);
    } catch (error) {
      const problems = formErrors(error, 'title');
      if (!problems) throw error;
      return newItemPage(c, db, values, problems);
    }
  });
}

async function newItemPage(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const actor = c.get('actor')!;
  const [capabilities, allTeams] = await Promise.all([listCapabilities(db, {}), listTeams(db)]);
  const ownTeams = allTeams.filter((t) => actor.teamIds.includes(t.id));
  const chosenTeam =
    ownTeams.find((t) => t.slug === values.team) ?? ownTeams.find((t) => t.id === actor.teamId);
  const teamName = chosenTeam?.name ?? null;
  return renderPage(
    c,
    { title: 'Give feedback', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Give feedback</h1>
      <p class="lead">
        Tell the platform team what gets in your way, what would help, or what works well. Everyone
        can read it and vote for it, and you hear about every change to it.
      </p>
      <ErrorSummary errors={errors} />
      <Form action="/feedback" csrfToken={c.get('csrfToken')} class="stacked">
        <RadioGroup
          name="kind"
          legend="What is it?"
          value={values.kind ?? ''}
          error={errorFor(errors, 'kind')}
          options={FEEDBACK_KINDS.map((k) => ({
            value: k,
            label: KIND_WORDS[k],
            hint: KIND_HINTS[k],
          }))}
        />
        <Field
          name="title"
          label="Title"
          hint="What it is about, in a few words: “Deploys wait 20 minutes for a runner”."
          value={values.title}
          error={errorFor(errors, 'title')}
        />
        <Field
          name="body"
          label="Description (optional)"
          hint="What happened, what you expected, what it costs you. Plain text; Markdown works for links, lists and `code`, HTML and images do not."
          multiline
          value={values.body}
          error={errorFor(errors, 'body')}
        />
        <SelectField
          name="capability"
          label="Which capability is it about?"
          value={values.capability ?? ''}
          error={errorFor(errors, 'capability')}
          options={[
            { value: '', label: 'None in particular: the platform as a whole' },
            ...capabilities.map((k) => ({ value: k.slug, label: k.name })),
          ]}
        />
        {ownTeams.length > 1 ? (
          <SelectField
            name="team"
            label="Your team"
            hint="The team it comes from: yours, or a team within it."
            value={values.team || chosenTeam?.slug}
            error={errorFor(errors, 'team')}
            options={ownTeams.map((t) => ({ value: t.slug, label: t.name }))}
          />
        ) : null}
        <RadioGroup
          name="postedAs"
          legend="How to show who it is from"
          value={values.postedAs ?? 'name'}
          error={errorFor(errors, 'postedAs')}
          options={[
            {
              value: 'name',
              label: `By name: ${actor.name}${teamName ? ` (${teamName})` : ''}`,
              hint: 'Everyone who can read feedback sees your name, and the platform team can ask you about it.',
            },
            {
              value: 'team',
              label: teamName ? `As “a developer in ${teamName}”` : 'As a developer in your team',
              disabled: !teamName,
              hint: teamName ? (
                <>
                  Your name is not stored with the item. Nobody sees that you wrote it — not other
                  developers, not the platform team, not admins — on any page, in the API, in
                  exports, webhooks or the audit log. paved keeps only your subscription to it, to
                  send you its updates. {teamName} is still shown, so in a small team what you write
                  may still point to you.
                </>
              ) : (
                'You have no team in paved, so you can only post by name.'
              ),
            },
          ]}
        />
        <button type="submit">Post your feedback</button>
      </Form>
      <p>
        <a href="/feedback">Back to all feedback</a>
      </p>
    </>,
  );
}
