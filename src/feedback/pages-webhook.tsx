// One webhook: what it sends where, a test send, turning it off or on, a
// new secret, deleting it (confirmed), and its delivery log with codes.

import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { sendTestWebhook } from '../notifications/delivery.ts';
import {
  type DeliveryLogEntry,
  deleteWebhook,
  deliveryLog,
  getWebhook,
  type Webhook,
} from '../notifications/webhooks.ts';
import { ActionButton, ctxOf } from './pages-shared.tsx';
import { EVENT_WORDS, FORMAT_WORDS } from './pages-webhooks.tsx';

const LOG_PAGE = 25;

const pathOf = (w: { id: string }, rest = '') =>
  `/admin/webhooks/${encodeURIComponent(w.id)}${rest}`;

async function webhookOrThrow(c: Context<AppEnv>, db: Db): Promise<Webhook> {
  const webhook = await getWebhook(db, c.get('actor'), c.req.param('id') ?? '');
  if (!webhook) throw new NotFound('There is no such webhook.');
  return webhook;
}

const STATUS_WORDS: Record<DeliveryLogEntry['status'], string> = {
  pending: 'Waiting to retry',
  delivered: 'Delivered',
  failed: 'Gave up',
};

const DONE: Record<string, string> = {
  test: 'Test sent. Its answer is the first row of the delivery log.',
  on: 'Sending is on.',
  off: 'Sending is off: events are not queued for this webhook until you turn it on.',
};

export function registerWebhookPage(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/admin/webhooks/:id', policy('webhooks.manage'), async (c) => {
    const webhook = await webhookOrThrow(c, db);
    const cursor = c.req.query('cursor') || undefined;
    const log = await deliveryLog(db, c.get('actor'), webhook.id, { limit: LOG_PAGE, cursor });
    const done = DONE[c.req.query('done') ?? ''];
    const csrf = c.get('csrfToken');
    return renderPage(
      c,
      { title: webhook.name },
      <>
        <h1>{webhook.name}</h1>
        <p class="lead">
          What this webhook sends and where, and every delivery with the receiver’s answer: send a
          test to check it works.
        </p>
        {done ? <Notice>{done}</Notice> : null}
        <dl class="facts">
          <dt>Address</dt>
          <dd>
            <code class="break">{webhook.url}</code>
          </dd>
          <dt>Format</dt>
          <dd>{FORMAT_WORDS[webhook.format].label}</dd>
          <dt>Events</dt>
          <dd>{webhook.events.map((e) => EVENT_WORDS[e] ?? e).join(', ')}</dd>
          <dt>Sending</dt>
          <dd>
            <span class="status">{webhook.active ? 'On' : 'Off'}</span>
          </dd>
          <dt>Added</dt>
          <dd>
            <DateText iso={webhook.createdAt} />
          </dd>
        </dl>
        <div class="row-actions">
          <ActionButton action={pathOf(webhook, '/test')} csrfToken={csrf} label="Send a test" />
          <ActionButton
            action={pathOf(webhook, '/active')}
            csrfToken={csrf}
            secondary
            hidden={{ active: webhook.active ? 'no' : 'yes' }}
            label={webhook.active ? 'Turn sending off' : 'Turn sending on'}
          />
          <ActionButton
            action={pathOf(webhook, '/rotate')}
            csrfToken={csrf}
            secondary
            label="Replace the signing secret"
          />
          <a class="button secondary" href={pathOf(webhook, '/delete')}>
            Delete the webhook
          </a>
        </div>
        <DataTable
          caption="Deliveries, newest first"
          rows={log.items}
          empty="Nothing sent yet. Send a test, or wait for one of its events."
          columns={[
            { label: 'Queued', cell: (d) => <DateText iso={d.createdAt} /> },
            {
              label: 'Event',
              cell: (d) => (d.isTest ? 'Test' : (EVENT_WORDS[d.eventType] ?? d.eventType)),
            },
            { label: 'Result', cell: (d) => <span class="status">{STATUS_WORDS[d.status]}</span> },
            { label: 'Tries', numeric: true, cell: (d) => d.attempts },
            {
              label: 'Answers (HTTP code)',
              cell: (d) =>
                d.log.length === 0
                  ? '—'
                  : d.log
                      .map((a) =>
                        a.code === null ? `no answer (${a.error ?? 'error'})` : String(a.code),
                      )
                      .join(', '),
            },
            {
              label: 'Next try',
              cell: (d) =>
                d.status === 'pending' && d.attempts > 0 ? <DateText iso={d.nextAt} /> : '—',
            },
          ]}
        />
        {log.nextCursor ? (
          <p>
            <a href={`${pathOf(webhook)}?cursor=${encodeURIComponent(log.nextCursor)}`}>
              Older deliveries
            </a>
          </p>
        ) : null}
        <p>
          <a href="/admin/webhooks">All webhooks</a>
        </p>
      </>,
    );
  });

  web.post('/admin/webhooks/:id/test', policy('webhooks.manage'), async (c) => {
    const webhook = await webhookOrThrow(c, db);
    await sendTestWebhook(deps, ctxOf(c), webhook.id);
    return c.redirect(`${pathOf(webhook)}?done=test`, 303);
  });

  web.get('/admin/webhooks/:id/delete', policy('webhooks.manage'), async (c) => {
    const webhook = await webhookOrThrow(c, db);
    return renderPage(
      c,
      { title: `Delete ${webhook.name}` },
      <>
        <h1>Delete this webhook?</h1>
        <p class="lead">
          Nothing more is sent to <code class="break">{webhook.url}</code>, and its delivery log
          goes with it. To pause it instead, turn sending off.
        </p>
        <Form action={pathOf(webhook, '/delete')} csrfToken={c.get('csrfToken')} class="stacked">
          <button type="submit" class="danger">
            Delete “{webhook.name}”
          </button>
        </Form>
        <p>
          <a href={pathOf(webhook)}>Cancel and keep it</a>
        </p>
      </>,
    );
  });

  web.post('/admin/webhooks/:id/delete', policy('webhooks.manage'), async (c) => {
    const webhook = await webhookOrThrow(c, db);
    await deleteWebhook(db, ctxOf(c), webhook.id);
    return c.redirect('/admin/webhooks?done=deleted', 303);
  });
}
