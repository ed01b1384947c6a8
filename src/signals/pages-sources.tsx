import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, Field, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { IngestToken, Source, SourceKind } from './model.ts';
import { ctxOf, formErrors, readForm, Tag } from './pages-shared.tsx';
import { createSource, issueIngestToken, revokeIngestToken, sourceWithTokens } from './service.ts';
import { setWebhookSecret } from './service-github.ts';
import type { SourceSummary } from './store-sources.ts';

const KIND_WORDS: Record<SourceKind, string> = {
  token: 'Ingest tokens',
  account: 'A person’s API token',
  github: 'GitHub webhook',
};

const sourcePath = (name: string, rest = '') =>
  `/ingestion/sources/${encodeURIComponent(name)}${rest}`;

type StatusPage = (
  c: Context<AppEnv>,
  state: {
    values?: Record<string, string>;
    errors?: FieldError[];
    notice?: string | null;
    created?: { source: string; token: string } | null;
  },
  status?: number,
) => Promise<Response>;

/** The admins' part of the status page: sources, adding one, the webhook secret. */
export function SourcesSection(props: {
  sources: SourceSummary[];
  csrf: string | null;
  errors: FieldError[];
  values: Record<string, string>;
  secretFromEnv: boolean;
  secretStored: { current: boolean; previous: boolean };
}) {
  const { sources, csrf, errors, values, secretFromEnv, secretStored } = props;
  const error = (path: string) => errors.find((e) => e.path === path)?.message;
  return (
    <>
      <h2 id="sources">Sources and tokens</h2>
      <p>
        Every ingest token belongs to a named source; an event’s id is unique within its source, so
        resending is safe, also after a token is rotated. Platform and admin accounts may also send
        with their own API token, under the source <code>account:&lt;email&gt;</code>.
      </p>
      <DataTable
        caption="Ingest sources"
        rows={sources}
        empty="No sources yet. Add one for each system that sends events."
        columns={[
          {
            label: 'Source',
            cell: (s) => (s.kind === 'token' ? <a href={sourcePath(s.name)}>{s.name}</a> : s.name),
          },
          { label: 'Sends with', cell: (s) => KIND_WORDS[s.kind] },
          { label: 'Active tokens', numeric: true, cell: (s) => s.activeTokens },
          {
            label: 'Latest batch',
            cell: (s) => (s.lastBatchAt ? <DateText iso={s.lastBatchAt} /> : 'never'),
          },
        ]}
      />
      <Form action="/ingestion/sources" csrfToken={csrf}>
        <Field
          name="name"
          label="Source name"
          hint="Lower-case letters, digits and dashes, such as jenkins-prod"
          value={values.name}
          error={error('name')}
        />
        <Field
          name="description"
          label="What sends with it (optional)"
          value={values.description}
          error={error('description')}
        />
        <button type="submit">Add the source and show its token</button>
      </Form>

      <h2 id="webhook-secret">GitHub webhook secret</h2>
      <p>
        {secretFromEnv
          ? 'A secret is set in the environment (PAVED_GITHUB_WEBHOOK_SECRET). '
          : 'No secret is set in the environment. '}
        {secretStored.current ? 'A secret is also set here.' : 'No secret is set here.'}{' '}
        {secretStored.previous
          ? 'The previous secret set here still works, for deliveries signed before GitHub was updated.'
          : ''}
      </p>
      <Form action="/ingestion/github-secret" csrfToken={csrf}>
        <Field
          name="secret"
          type="password"
          autocomplete="off"
          label="New webhook secret"
          hint="At least 16 characters; paste the same value into the webhook’s settings on GitHub"
          error={error('secret')}
        />
        <button type="submit">Set the webhook secret</button>
      </Form>
      {secretStored.previous ? (
        <Form action="/ingestion/github-secret/forget" csrfToken={csrf}>
          <button type="submit">Stop accepting the previous secret</button>
        </Form>
      ) : null}
    </>
  );
}

function sourcePage(
  c: Context<AppEnv>,
  source: Source,
  tokens: IngestToken[],
  notice: Child = null,
) {
  const csrf = c.get('csrfToken');
  return renderPage(
    c,
    { title: `Source ${source.name}` },
    <>
      <h1>Source {source.name}</h1>
      <p class="lead">
        The tokens that send events for {source.name}. Issue a new one before revoking the old, so
        pipelines never stop.
      </p>
      {notice ? <Notice>{notice}</Notice> : null}
      {source.description ? <p>{source.description}</p> : null}
      <DataTable
        caption={`Tokens of ${source.name}, newest first`}
        rows={tokens}
        columns={[
          { label: 'Starts with', cell: (t) => <code>{t.prefix}</code> },
          { label: 'State', cell: (t) => <Tag>{t.revokedAt ? 'Revoked' : 'Active'}</Tag> },
          { label: 'Created', cell: (t) => <DateText iso={t.createdAt} /> },
          {
            label: 'Last used',
            cell: (t) => (t.lastUsedOn ? <DateText iso={t.lastUsedOn} /> : 'never'),
          },
          {
            label: 'Action',
            cell: (t) =>
              t.revokedAt ? (
                ''
              ) : (
                <a href={sourcePath(source.name, `/tokens/${encodeURIComponent(t.id)}/revoke`)}>
                  Revoke {t.prefix}…
                </a>
              ),
          },
        ]}
      />
      <Form action={sourcePath(source.name, '/tokens')} csrfToken={csrf}>
        <button type="submit">Issue another token</button>
      </Form>
      <p>
        <a href={sourcePath(source.name, '/rotate')}>
          Rotate: a new token, every other one revoked
        </a>
      </p>
      <p>
        <a href="/ingestion#sources">Back to event ingestion</a>
      </p>
    </>,
  );
}

function confirmPage(
  c: Context<AppEnv>,
  props: { title: string; consequence: string; action: string; button: string; back: string },
) {
  return renderPage(
    c,
    { title: props.title },
    <>
      <h1>{props.title}</h1>
      <p class="lead">{props.consequence}</p>
      <Form action={props.action} csrfToken={c.get('csrfToken')}>
        <button type="submit">{props.button}</button>
      </Form>
      <p>
        <a href={props.back}>Keep it and go back</a>
      </p>
    </>,
  );
}

const shownOnce = (token: string): Child => (
  <>
    The new token is <code>{token}</code>. It is shown only this once: store it in your CI’s secrets
    now.
  </>
);

/** Sources, tokens and the webhook secret (admins). */
export function registerSourcePages(web: Hono<AppEnv>, deps: Deps, statusPage: StatusPage): void {
  const { db } = deps.handle;
  const admins = policy('signals.sources');

  web.post('/ingestion/sources', admins, async (c) => {
    const values = await readForm(c);
    try {
      const created = await createSource(db, ctxOf(c), {
        name: values.name ?? '',
        description: values.description,
      });
      return statusPage(c, { created: { source: created.source.name, token: created.value } });
    } catch (error) {
      const errors = formErrors(error, 'name');
      if (!errors) throw error;
      return statusPage(c, { values, errors }, 400);
    }
  });

  web.get('/ingestion/sources/:name', admins, async (c) => {
    const { source, tokens } = await sourceWithTokens(db, ctxOf(c), c.req.param('name'));
    const done =
      c.req.query('done') === 'revoked' ? 'The token was revoked: it no longer works.' : null;
    return sourcePage(c, source, tokens, done);
  });

  web.post('/ingestion/sources/:name/tokens', admins, async (c) => {
    const issued = await issueIngestToken(db, ctxOf(c), c.req.param('name'));
    const { tokens } = await sourceWithTokens(db, ctxOf(c), issued.source.name);
    return sourcePage(c, issued.source, tokens, shownOnce(issued.value));
  });

  web.get('/ingestion/sources/:name/rotate', admins, async (c) => {
    const { source } = await sourceWithTokens(db, ctxOf(c), c.req.param('name'));
    return confirmPage(c, {
      title: `Rotate the tokens of ${source.name}?`,
      consequence: `paved issues a new token and every other token of ${source.name} stops working at once: anything still sending with them gets 401 until it has the new one. Events sent before stay counted once.`,
      action: sourcePath(source.name, '/rotate'),
      button: `Rotate the tokens of ${source.name}`,
      back: sourcePath(source.name),
    });
  });

  web.post('/ingestion/sources/:name/rotate', admins, async (c) => {
    const issued = await issueIngestToken(db, ctxOf(c), c.req.param('name'), { rotate: true });
    const { tokens } = await sourceWithTokens(db, ctxOf(c), issued.source.name);
    return sourcePage(
      c,
      issued.source,
      tokens,
      <>
        {shownOnce(issued.value)} {issued.revoked} older token(s) no longer work.
      </>,
    );
  });

  web.get('/ingestion/sources/:name/tokens/:id/revoke', admins, async (c) => {
    const { source, tokens } = await sourceWithTokens(db, ctxOf(c), c.req.param('name'));
    const token = tokens.find((t) => t.id === c.req.param('id'));
    const prefix = token?.prefix ?? c.req.param('id');
    return confirmPage(c, {
      title: `Revoke token ${prefix}…?`,
      consequence: `It stops working at once: whatever sends for ${source.name} with it gets 401. Issue its replacement first if something still uses it.`,
      action: sourcePath(source.name, `/tokens/${encodeURIComponent(c.req.param('id'))}/revoke`),
      button: `Revoke token ${prefix}…`,
      back: sourcePath(source.name),
    });
  });

  web.post('/ingestion/sources/:name/tokens/:id/revoke', admins, async (c) => {
    const name = c.req.param('name');
    await revokeIngestToken(db, ctxOf(c), name, c.req.param('id'));
    return c.redirect(`${sourcePath(name)}?done=revoked`, 303);
  });

  web.post('/ingestion/github-secret', admins, async (c) => {
    const values = await readForm(c);
    try {
      await setWebhookSecret(db, ctxOf(c), deps.secret, values.secret ?? '');
    } catch (error) {
      const errors = formErrors(error, 'secret');
      if (!errors) throw error;
      return statusPage(c, { errors }, 400);
    }
    return c.redirect('/ingestion?done=secret#webhook-secret', 303);
  });

  web.post('/ingestion/github-secret/forget', admins, async (c) => {
    await setWebhookSecret(db, ctxOf(c), deps.secret, null);
    return c.redirect('/ingestion?done=forgot#webhook-secret', 303);
  });
}
