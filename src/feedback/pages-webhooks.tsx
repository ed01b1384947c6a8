// Webhook settings for admins: add a URL with its event types and format,
// see its signing secret once, send a test, read the delivery log with
// response codes, and keep the list of private addresses webhooks may reach.

import { isIP } from 'node:net';
import type { Context, Hono } from 'hono';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { type Actor, can } from '../core/policy.ts';
import { getSetting, setSetting } from '../core/settings.ts';
import {
  DataTable,
  EmptyState,
  ErrorSummary,
  Field,
  Form,
  Notice,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  SIGNATURE_HEADER,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  type WebhookFormat,
} from '../notifications/model.ts';
import { webhookAllowList } from '../notifications/settings.ts';
import {
  createWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type Webhook,
} from '../notifications/webhooks.ts';
import { ctxOf, errorFor, formErrors, RadioGroup, readForm } from './pages-shared.tsx';

export const FORMAT_WORDS: Record<WebhookFormat, { label: string; hint: string }> = {
  json: {
    label: 'Generic JSON',
    hint: 'paved’s own event body: {id, type, createdAt, data}. For your own receivers and automation tools.',
  },
  slack: {
    label: 'Slack-compatible',
    hint: 'A {text} body that Slack, Mattermost and similar incoming webhooks post as a message.',
  },
};

/** Events in words, for the checkboxes and the list. */
export const EVENT_WORDS: Record<string, string> = {
  'feedback.created': 'New feedback',
  'feedback.status_changed': 'Feedback status changed',
  'feedback.merged': 'Feedback merged into another item',
  'roadmap.created': 'Roadmap item added',
  'roadmap.updated': 'Roadmap item changed',
  'roadmap.decided': 'Roadmap decision recorded',
  'proposal.opened': 'Proposal open for comment',
  'proposal.commented': 'Comment on a proposal',
  'changelog.published': 'Changelog entry published',
};

const HOST =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Problems with allow-list lines: each a host name, an address, or an address/prefix. */
export function allowListProblems(entries: readonly string[]): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (extra !== undefined) problems.push(`“${entry}” has more than one “/”.`);
    else if (family === 0) {
      if (prefix !== undefined || !HOST.test(entry)) {
        problems.push(`“${entry}” is neither a host name nor an address.`);
      }
    } else if (prefix !== undefined) {
      const bits = Number(prefix);
      const max = family === 4 ? 32 : 128;
      if (!/^\d+$/.test(prefix) || bits > max) {
        problems.push(`“${entry}” needs a prefix from 0 to ${max} after the “/”.`);
      }
    }
  }
  return problems;
}

/** Saves the allow-list (admins), with an audit row. */
async function saveAllowList(db: Db, actor: Actor, ip: string | null, text: string) {
  const entries = [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
  const problems = allowListProblems(entries);
  if (problems.length > 0) {
    throw new InvalidInput(problems.join(' '), [
      { path: 'allowList', message: problems.join(' ') },
    ]);
  }
  await db.transaction().execute(async (trx) => {
    try {
      await setSetting(trx, webhookAllowList, entries);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      throw InvalidInput.field('allowList', error.message);
    }
    await recordAudit(trx, {
      actor: { userId: actor.userId, email: actor.email },
      action: 'settings.update',
      target: { type: 'setting', id: webhookAllowList.key },
      ip,
      details: { entries: entries.join(',') },
    });
  });
}

export function registerWebhookPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/admin/webhooks', policy('webhooks.manage'), async (c) => webhooksPage(c, db, {}, []));

  web.post('/admin/webhooks', policy('webhooks.manage'), async (c) => {
    const values = await readForm(c);
    const events = (await c.req.parseBody({ all: true })).events;
    const list = (Array.isArray(events) ? events : events ? [events] : []).filter(
      (e): e is string => typeof e === 'string',
    );
    try {
      const { webhook, signingSecret } = await createWebhook(db, ctxOf(c), deps.secret, {
        name: values.name ?? '',
        url: values.url ?? '',
        format: (values.format ?? '') as WebhookFormat,
        events: list,
      });
      return secretPage(c, webhook, signingSecret, 'added');
    } catch (error) {
      const problems = formErrors(error, 'url');
      if (!problems) throw error;
      return webhooksPage(c, db, { ...values, events: list.join(',') }, problems);
    }
  });

  web.post('/admin/webhooks/allow-list', policy('settings.manage'), async (c) => {
    const values = await readForm(c);
    try {
      await saveAllowList(db, c.get('actor')!, c.get('clientIp'), values.allowList ?? '');
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return webhooksPage(c, db, values, error.errors);
    }
    return c.redirect('/admin/webhooks?done=allow-list#allow-list', 303);
  });

  web.post('/admin/webhooks/:id/rotate', policy('webhooks.manage'), async (c) => {
    const secret = await rotateWebhookSecret(db, ctxOf(c), deps.secret, c.req.param('id'));
    const webhook = (await getWebhook(db, c.get('actor'), c.req.param('id')))!;
    return secretPage(c, webhook, secret, 'rotated');
  });

  web.post('/admin/webhooks/:id/active', policy('webhooks.manage'), async (c) => {
    const values = await readForm(c);
    const webhook = await updateWebhook(db, ctxOf(c), c.req.param('id'), {
      active: values.active === 'yes',
    });
    return c.redirect(
      `/admin/webhooks/${encodeURIComponent(webhook.id)}?done=${webhook.active ? 'on' : 'off'}`,
      303,
    );
  });
}

const DONE: Record<string, string> = {
  'allow-list': 'The list of private addresses webhooks may reach is saved.',
  deleted: 'The webhook is deleted; nothing more is sent to it.',
};

async function webhooksPage(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const actor = c.get('actor');
  const webhooks = await listWebhooks(db, actor);
  const allowList = await getSetting(db, webhookAllowList);
  const chosen = new Set((values.events ?? '').split(',').filter(Boolean));
  const done = DONE[c.req.query('done') ?? ''];
  const csrf = c.get('csrfToken');
  return renderPage(
    c,
    { title: 'Webhooks', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Webhooks</h1>
      <p class="lead">
        Send feedback, roadmap and changelog events to chat rooms and tools as they happen: add an
        address, choose the events and the format, and check the delivery log.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorSummary errors={errors} />
      <DataTable
        caption="Webhooks"
        rows={webhooks}
        empty="No webhook yet. Add one below to send events to a chat room or a tool."
        columns={[
          {
            label: 'Name',
            cell: (w: Webhook) => (
              <a href={`/admin/webhooks/${encodeURIComponent(w.id)}`}>{w.name}</a>
            ),
          },
          { label: 'Address', cell: (w) => <code class="break">{w.url}</code> },
          { label: 'Format', cell: (w) => FORMAT_WORDS[w.format].label },
          { label: 'Events', cell: (w) => w.events.map((e) => EVENT_WORDS[e] ?? e).join(', ') },
          { label: 'Sending', cell: (w) => <span class="status">{w.active ? 'On' : 'Off'}</span> },
        ]}
      />
      <h2 id="add">Add a webhook</h2>
      <Form action="/admin/webhooks" csrfToken={csrf} class="stacked">
        <Field
          name="name"
          label="Name"
          hint="So the delivery log reads well: “#platform-feedback in Slack”."
          value={values.name}
          error={errorFor(errors, 'name')}
        />
        <Field
          name="url"
          label="Address"
          type="url"
          hint="https://… Private, loopback, link-local and metadata addresses are refused unless listed below."
          value={values.url}
          error={errorFor(errors, 'url')}
        />
        <RadioGroup
          name="format"
          legend="Format"
          value={values.format ?? 'json'}
          error={errorFor(errors, 'format')}
          options={WEBHOOK_FORMATS.map((f) => ({
            value: f,
            label: FORMAT_WORDS[f].label,
            hint: FORMAT_WORDS[f].hint,
          }))}
        />
        <fieldset
          class={errorFor(errors, 'events') ? 'field checkboxes field-error' : 'field checkboxes'}
          aria-describedby={errorFor(errors, 'events') ? 'field-events-error' : undefined}
        >
          <legend>Events to send</legend>
          {errorFor(errors, 'events') ? (
            <span class="error" id="field-events-error">
              <span class="visually-hidden">Error: </span>
              {errorFor(errors, 'events')}
            </span>
          ) : null}
          {WEBHOOK_EVENT_TYPES.map((e, i) => (
            <div class="option">
              <input
                type="checkbox"
                id={i === 0 ? 'field-events' : `field-events-${e}`}
                name="events"
                value={e}
                checked={chosen.has(e)}
              />
              <label for={i === 0 ? 'field-events' : `field-events-${e}`}>
                {EVENT_WORDS[e] ?? e} <code>{e}</code>
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Add the webhook</button>
      </Form>
      <h2 id="allow-list">Private addresses webhooks may reach</h2>
      <p>
        Webhooks never reach private, loopback, link-local (such as the cloud metadata address
        169.254.169.254) or other internal addresses unless this list names them, so nobody can use
        a webhook to probe your network. The check runs again on every delivery.
      </p>
      {can(actor, 'settings.manage') ? (
        <Form action="/admin/webhooks/allow-list" csrfToken={csrf} class="stacked">
          <Field
            name="allowList"
            label="Allowed hosts and networks"
            hint="One a line: a host name (chat.internal), an address (10.1.2.3) or a network (10.20.0.0/16). Empty by default."
            multiline
            value={values.allowList ?? allowList.join('\n')}
            error={errorFor(errors, 'allowList')}
          />
          <button type="submit" class="secondary">
            Save the allowed addresses
          </button>
        </Form>
      ) : allowList.length === 0 ? (
        <EmptyState>No private address is allowed.</EmptyState>
      ) : (
        <ul>
          {allowList.map((a) => (
            <li>
              <code>{a}</code>
            </li>
          ))}
        </ul>
      )}
    </>,
  );
}

/** The signing secret, shown this once, with how a receiver checks it. */
function secretPage(
  c: Context<AppEnv>,
  webhook: Webhook,
  secret: string,
  what: 'added' | 'rotated',
) {
  const path = `/admin/webhooks/${encodeURIComponent(webhook.id)}`;
  return renderPage(
    c,
    { title: 'Copy the signing secret' },
    <>
      <h1>Copy the signing secret now</h1>
      <p class="lead">
        {what === 'added' ? `“${webhook.name}” is added.` : `“${webhook.name}” has a new secret.`}{' '}
        paved shows this secret only once: give it to the receiver, which uses it to check that a
        body really comes from paved.
      </p>
      <p>
        <code class="secret-value">{secret}</code>
      </p>
      <h2>How a receiver checks a body</h2>
      <p>
        Every request carries a <code>{SIGNATURE_HEADER}</code> header of the form{' '}
        <code>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>. Compute HMAC-SHA256 of{' '}
        <code>&lt;t&gt;.&lt;raw body&gt;</code> with the secret as the key, compare it to{' '}
        <code>v1</code> in constant time, and refuse a <code>t</code> more than five minutes old.
      </p>
      <p class="row-actions">
        <a class="button" href={path}>
          Go to the webhook and send a test
        </a>
        <a href="/admin/webhooks">All webhooks</a>
      </p>
    </>,
  );
}
