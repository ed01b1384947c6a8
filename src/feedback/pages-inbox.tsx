// The inbox: a person's notifications (status changes of what they follow,
// "you said, we did"), marking them read, how email reaches them, and
// unfollowing everything in one action.

import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DateText, EmptyState, ErrorSummary, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getPreferences, listInbox, markRead, setPreferences } from '../notifications/inbox.ts';
import { EMAIL_MODES, type EmailMode } from '../notifications/model.ts';
import {
  ActionButton,
  Choices,
  ctxOf,
  errorFor,
  Markdown,
  RadioGroup,
  readForm,
} from './pages-shared.tsx';
import { unsubscribeFromAll } from './service.ts';

const PAGE_SIZE = 20;

const EMAIL_WORDS: Record<EmailMode, { label: string; hint: string }> = {
  digest: {
    label: 'A daily digest',
    hint: 'One email a day with everything new, and none on days without news. The default.',
  },
  immediate: { label: 'Every update as it happens', hint: 'One email for each notification.' },
  off: { label: 'No email', hint: 'Updates reach only this inbox.' },
};

const DONE: Record<string, string> = {
  read: 'Marked as read.',
  preferences: 'Your email preference is saved.',
  unsubscribed:
    'You no longer follow any item, and voting no longer follows one. Follow items again one by one from their pages.',
};

export function registerInboxPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const emailOn = deps.mailer !== null;

  web.get('/inbox', policy('inbox.read'), async (c) => inboxPage(c, db, emailOn, {}, []));

  web.post('/inbox/read', policy('inbox.read'), async (c) => {
    const values = await readForm(c);
    await markRead(db, c.get('actor'), values.all === 'yes' ? 'all' : values.id ? [values.id] : []);
    return c.redirect('/inbox?done=read', 303);
  });

  web.post('/inbox/preferences', policy('inbox.read'), async (c) => {
    const values = await readForm(c);
    try {
      await setPreferences(db, c.get('actor'), {
        emailMode: (values.emailMode ?? '') as EmailMode,
        subscribeOnVote: values.subscribeOnVote === 'yes',
      });
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return inboxPage(c, db, emailOn, values, error.errors);
    }
    return c.redirect('/inbox?done=preferences#email', 303);
  });

  web.post('/inbox/unsubscribe-all', policy('inbox.read'), async (c) => {
    await unsubscribeFromAll(db, ctxOf(c));
    return c.redirect('/inbox?done=unsubscribed', 303);
  });
}

async function inboxPage(
  c: Context<AppEnv>,
  db: Db,
  emailOn: boolean,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const actor = c.get('actor');
  const unreadOnly = c.req.query('unread') === '1';
  const cursor = c.req.query('cursor') || undefined;
  const page = await listInbox(db, actor, { limit: PAGE_SIZE, cursor, unreadOnly });
  const prefs = await getPreferences(db, actor!.userId);
  const csrf = c.get('csrfToken');
  const done = DONE[c.req.query('done') ?? ''];
  const base = unreadOnly ? '/inbox?unread=1' : '/inbox';
  return renderPage(
    c,
    { title: 'Your inbox', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Your inbox</h1>
      <p class="lead">
        What changed on the feedback you posted, voted for or follow, and what shipped because of
        it. Choose how email reaches you, or stop following everything at once.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorSummary errors={errors} />
      <div class="row-actions">
        <Choices
          label="Show"
          options={[
            { href: '/inbox', label: 'Everything', current: !unreadOnly },
            { href: '/inbox?unread=1', label: `Unread (${page.unread})`, current: unreadOnly },
          ]}
        />
        {page.unread > 0 ? (
          <ActionButton
            action="/inbox/read"
            csrfToken={csrf}
            secondary
            hidden={{ all: 'yes' }}
            label="Mark all as read"
          />
        ) : null}
      </div>
      {page.items.length === 0 ? (
        <EmptyState>
          {unreadOnly ? (
            'Nothing unread.'
          ) : (
            <>
              Nothing here yet. When feedback you posted, voted for or follow changes status, you
              hear about it here. <a href="/feedback">See the feedback</a>.
            </>
          )}
        </EmptyState>
      ) : (
        <ol class="inbox">
          {page.items.map((n) => (
            <li class={n.readAt ? 'read' : 'unread'}>
              <h2 class="inbox-title">
                {n.readAt ? null : <span class="status">New</span>} <a href={n.link}>{n.title}</a>
              </h2>
              <Markdown source={n.body} />
              <p class="row-actions">
                <span class="muted">
                  <DateText iso={n.createdAt} />
                </span>
                {n.readAt ? null : (
                  <ActionButton
                    action="/inbox/read"
                    csrfToken={csrf}
                    secondary
                    hidden={{ id: n.id }}
                    label={
                      <>
                        Mark as read<span class="visually-hidden">: {n.title}</span>
                      </>
                    }
                  />
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
      {page.nextCursor || cursor ? (
        <p class="row-actions">
          {cursor ? <a href={base}>Newest</a> : null}
          {page.nextCursor ? (
            <a
              href={`${base}${unreadOnly ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}`}
            >
              Older
            </a>
          ) : null}
        </p>
      ) : null}
      <section aria-labelledby="email">
        <h2 id="email">Email</h2>
        {emailOn ? null : (
          <p>
            This paved is not set up to send email yet, so for now updates reach only this inbox.
            Your choice is kept for when it is.
          </p>
        )}
        <Form action="/inbox/preferences" csrfToken={csrf} class="stacked">
          <RadioGroup
            name="emailMode"
            legend="How should updates reach you by email?"
            value={values.emailMode ?? prefs.emailMode}
            error={errorFor(errors, 'emailMode')}
            options={EMAIL_MODES.map((m) => ({
              value: m,
              label: EMAIL_WORDS[m].label,
              hint: EMAIL_WORDS[m].hint,
            }))}
          />
          <div class="field option">
            <input
              type="checkbox"
              id="field-subscribeOnVote"
              name="subscribeOnVote"
              value="yes"
              checked={prefs.subscribeOnVote}
            />
            <label for="field-subscribeOnVote">Follow the items I vote for</label>
          </div>
          <button type="submit">Save how updates reach you</button>
        </Form>
      </section>
      <section aria-labelledby="stop">
        <h2 id="stop">Stop following everything</h2>
        <p>
          You stop getting updates on every item you follow, including ones you posted, and voting
          no longer follows an item. Your votes stay. You can follow items again one by one.
        </p>
        <ActionButton
          action="/inbox/unsubscribe-all"
          csrfToken={csrf}
          secondary
          label="Stop following every item"
        />
      </section>
    </>,
  );
}
