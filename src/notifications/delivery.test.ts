import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { testDeps } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { startSmtpServer } from '../../test/smtp.ts';
import { startBackgroundWork } from '../background.ts';
import { setSetting } from '../core/settings.ts';
import { changeStatus } from '../feedback/service.ts';
import { post, seedFeedback } from '../feedback/service-testing.ts';
import { enableDeliveryKicks } from './delivery.ts';
import { setPreferences } from './inbox.ts';
import { webhookAllowList } from './settings.ts';
import { createWebhook } from './webhooks.ts';

describeEngines('notification delivery after commit', (handle) => {
  it('sends the webhook right after the status change commits, without waiting for the job', async () => {
    const { db, people } = await seedFeedback(handle());
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await setSetting(db, webhookAllowList, ['127.0.0.1']);
      const deps = testDeps(handle());
      await createWebhook(db, people.admin, deps.secret, {
        name: 'Now',
        url: `http://127.0.0.1:${port}/`,
        format: 'json',
        events: ['feedback.status_changed'],
      });
      enableDeliveryKicks(deps);
      const item = await post(db, people.ada);
      await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'Seen.' });
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
      expect(JSON.parse(received[0]!)).toMatchObject({ type: 'feedback.status_changed' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('delivers the outbox from the background job that every instance runs', async () => {
    const smtp = await startSmtpServer();
    const deps = testDeps(handle(), { PAVED_SMTP_URL: smtp.url });
    try {
      const { db, people } = await seedFeedback(handle());
      await setPreferences(db, people.ada.actor, { emailMode: 'immediate' });
      const item = await post(db, people.ada, { title: 'Flaky runners' });
      await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'On it.' });
      const stop = startBackgroundWork(deps);
      try {
        await expect.poll(() => smtp.messages.length, { timeout: 10_000 }).toBe(1);
      } finally {
        stop();
      }
      expect(smtp.messages[0]!.raw).toContain('Subject: Flaky runners: acknowledged');
    } finally {
      deps.mailer?.close();
      await smtp.stop();
    }
  });
});
