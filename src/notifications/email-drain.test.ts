import { afterEach, expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { startSmtpServer } from '../../test/smtp.ts';
import { loadConfig } from '../core/config.ts';
import { createMailer, type Mailer } from '../core/mail.ts';
import { deliverEmails } from './email.ts';
import { notifyUsers } from './outbox.ts';

describeEngines('notification email, many at once', (handle) => {
  let mailer: Mailer | null = null;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    mailer?.close();
    await stop?.();
  });

  it('sends every due email in one run, claiming again while claims come back full (a status change told 999 followers in a minute, not five)', async () => {
    const { db } = handle();
    const server = await startSmtpServer();
    stop = server.stop;
    mailer = createMailer(loadConfig({ PAVED_SMTP_URL: server.url }));
    const users: string[] = [];
    for (let i = 0; i < 45; i++) {
      const { user } = await signIn(handle(), 'developer', `follower${i}@example.test`);
      users.push(user.id);
    }
    await db
      .insertInto('notification_preferences')
      .values(
        users.map((id) => ({
          user_id: id,
          email_mode: 'immediate',
          subscribe_on_vote: 1,
          updated_at: new Date().toISOString(),
        })),
      )
      .execute();
    await db.transaction().execute((trx) =>
      notifyUsers(trx, users, {
        kind: 'feedback.status',
        title: 'Planned',
        body: 'Soon.',
        link: '/feedback',
      }),
    );
    const result = await deliverEmails({
      handle: handle(),
      mailer,
      baseUrl: 'https://paved.example.test',
      // Claims of 20, as the default 200 would be for 450: two full claims and a short one.
      claim: 20,
    });
    expect(result).toEqual({ sent: 45, skipped: 0, failed: 0 });
    expect(server.messages).toHaveLength(45);
    const pending = await db
      .selectFrom('notifications')
      .select('id')
      .where('email_status', '<>', 'sent')
      .execute();
    expect(pending).toEqual([]);
  });
});
