import { afterEach, describe, expect, it } from 'vitest';
import { describeEngines, freshDatabase, postgresUrl } from '../../test/engines.ts';
import { type CapturedMail, startSmtpServer } from '../../test/smtp.ts';
import { loadConfig } from '../core/config.ts';
import type { Db } from '../core/db/index.ts';
import { createMailer, type Mailer } from '../core/mail.ts';
import { setSetting } from '../core/settings.ts';
import { changeStatus, voteFor } from '../feedback/service.ts';
import { post, seedFeedback } from '../feedback/service-testing.ts';
import { claimEmails, LEASE_MS } from './claim.ts';
import { deliverEmails, digestCutoff } from './email.ts';
import { setPreferences } from './inbox.ts';
import { notifyFeedbackSubscribers } from './outbox.ts';
import { digestHourUtc } from './settings.ts';

const BASE = 'https://paved.example.test';

describe('digestCutoff', () => {
  it('is today at the hour once it has passed, otherwise yesterday at the hour', () => {
    expect(digestCutoff(new Date('2026-11-15T09:30:00Z'), 8)).toBe('2026-11-15T08:00:00.000Z');
    expect(digestCutoff(new Date('2026-11-15T08:00:00Z'), 8)).toBe('2026-11-15T08:00:00.000Z');
    expect(digestCutoff(new Date('2026-11-15T07:59:59Z'), 8)).toBe('2026-11-14T08:00:00.000Z');
  });
});

/** The body of a captured message with quoted-printable soft breaks undone. */
const bodyOf = (m: CapturedMail) => m.raw.replace(/=\r?\n/g, '');

async function statuses(db: Db) {
  const rows = await db.selectFrom('notifications').select('email_status').execute();
  return rows.map((r) => r.email_status).sort();
}

describeEngines('notification email', (handle) => {
  let stop: (() => Promise<void>) | undefined;
  let mailer: Mailer | null = null;
  afterEach(async () => {
    mailer?.close();
    await stop?.();
    stop = undefined;
  });

  async function smtp() {
    const server = await startSmtpServer();
    stop = server.stop;
    mailer = createMailer(loadConfig({ PAVED_SMTP_URL: server.url }));
    return server;
  }

  /** Ada's item, Alan's vote, and one status change that tells both of them. */
  async function scenario() {
    const s = await seedFeedback(handle());
    const item = await post(s.db, s.people.ada, { title: 'Slow deploys' });
    await voteFor(s.db, s.people.alan, item.id);
    return { ...s, item };
  }

  it('tells each subscriber once, however many linked items they follow', async () => {
    const { db, people, item } = await scenario();
    const other = await post(db, people.ada, { title: 'Other' });
    await voteFor(db, people.alan, other.id);
    const written = await db.transaction().execute((trx) =>
      notifyFeedbackSubscribers(trx, [item.id, other.id, item.id], {
        kind: 'changelog.entry',
        title: 'Shipped',
        body: 'Faster deploys',
        link: '/changelog',
      }),
    );
    expect(written).toBe(2);
    const excluded = await db
      .transaction()
      .execute((trx) =>
        notifyFeedbackSubscribers(
          trx,
          [item.id, other.id],
          { kind: 'x', title: 't', body: 'b', link: '/' },
          { excludeUserId: people.ada.actor.userId },
        ),
      );
    expect(excluded).toBe(1);
  });

  it('sends immediately to people who chose it, and one daily digest to the rest', async () => {
    const server = await smtp();
    const { db, people, item } = await scenario();
    await setPreferences(db, people.alan.actor, { emailMode: 'immediate' });
    await changeStatus(db, people.barbara, item.id, {
      status: 'acknowledged',
      note: 'We **see** it.',
    });
    await changeStatus(db, people.barbara, item.id, { status: 'planned', note: 'Next month.' });
    // The digest hour is half a day away, so the last digest time is well before these updates.
    const hour = (new Date().getUTCHours() + 12) % 24;
    await setSetting(db, digestHourUtc, hour);
    const morning = new Date(Date.now() + 60_000);
    // Before the digest hour has come round again, only Alan's immediate emails go.
    const cutoffBefore = digestCutoff(morning, hour);
    const handleRef = { db, engine: handle().engine };
    const first = await deliverEmails({ handle: handleRef, mailer, baseUrl: BASE }, morning);
    const alans = server.messages.filter((m) => m.to.includes(people.alan.actor.email));
    expect(alans).toHaveLength(2);
    expect(bodyOf(alans[0]!)).toContain('We see it.');
    expect(bodyOf(alans[0]!)).toContain(`${BASE}/feedback/${item.id}`);
    // Ada's digest waits for the next digest time (her rows are newer than the last cutoff).
    expect(new Date(cutoffBefore).getTime()).toBeLessThan(Date.now());
    expect(first).toEqual({ sent: 2, skipped: 0, failed: 0 });
    expect(server.messages.filter((m) => m.to.includes(people.ada.actor.email))).toHaveLength(0);
    const nextDigest = new Date(new Date(cutoffBefore).getTime() + 86_400_000 + 1000);
    const second = await deliverEmails({ handle: handleRef, mailer, baseUrl: BASE }, nextDigest);
    expect(second).toEqual({ sent: 2, skipped: 0, failed: 0 });
    const adas = server.messages.filter((m) => m.to.includes(people.ada.actor.email));
    expect(adas).toHaveLength(1);
    expect(adas[0]!.raw).toContain('Subject: paved: 2 updates on feedback you follow');
    expect(bodyOf(adas[0]!)).toContain('We see it.');
    expect(bodyOf(adas[0]!)).toContain('Next month.');
    expect(await statuses(db)).toEqual(['sent', 'sent', 'sent', 'sent']);
    // Nothing goes twice.
    await deliverEmails(
      { handle: handleRef, mailer, baseUrl: BASE },
      new Date(nextDigest.getTime() + 86_400_000),
    );
    expect(server.messages).toHaveLength(3);
  });

  it('survives a crash between commit and send: the email arrives exactly once after restart', async () => {
    const server = await smtp();
    const { db, people, item } = await scenario();
    await setPreferences(db, people.ada.actor, { emailMode: 'immediate' });
    await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'Seen.' });
    const now = new Date();
    // An instance claims the email and dies before sending it.
    const claimed = await claimEmails(
      { db, engine: handle().engine },
      { now, digestCutoff: now.toISOString() },
    );
    expect(claimed.ids.length).toBeGreaterThan(0);
    // Another run while the claim holds sends nothing.
    const handleRef = { db, engine: handle().engine };
    await deliverEmails(
      { handle: handleRef, mailer, baseUrl: BASE },
      new Date(now.getTime() + 1000),
    );
    expect(server.messages).toHaveLength(0);
    // After the lease, the restarted delivery sends it, once.
    const later = new Date(now.getTime() + LEASE_MS + 1000);
    await deliverEmails({ handle: handleRef, mailer, baseUrl: BASE }, later);
    await deliverEmails(
      { handle: handleRef, mailer, baseUrl: BASE },
      new Date(later.getTime() + LEASE_MS * 2),
    );
    expect(server.messages.filter((m) => m.to.includes(people.ada.actor.email))).toHaveLength(1);
  });

  it('retries a failed send with backoff and gives up after the last attempt', async () => {
    const { db, people, item } = await scenario();
    await setPreferences(db, people.ada.actor, { emailMode: 'immediate' });
    await setPreferences(db, people.alan.actor, { emailMode: 'off' });
    await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'Seen.' });
    let calls = 0;
    const failing: Mailer = {
      async send() {
        calls++;
        throw new Error('421 try later');
      },
      close() {},
    };
    const handleRef = { db, engine: handle().engine };
    let at = Date.now();
    const first = await deliverEmails(
      { handle: handleRef, mailer: failing, baseUrl: BASE },
      new Date(at),
    );
    expect(first).toEqual({ sent: 0, skipped: 1, failed: 0 });
    const row = await db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', people.ada.actor.userId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email_status: 'pending', email_error: '421 try later' });
    expect(Date.parse(row.email_next_at) - at).toBe(30_000);
    for (let i = 0; i < 6; i++) {
      at += 7 * 3_600_000;
      await deliverEmails({ handle: handleRef, mailer: failing, baseUrl: BASE }, new Date(at));
    }
    expect(calls).toBe(5);
    expect(await statuses(db)).toEqual(['failed', 'skipped']);
  });

  it('marks emails skipped when no SMTP server is configured; the inbox still has them', async () => {
    const { db, people, item } = await scenario();
    await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'Seen.' });
    const result = await deliverEmails({
      handle: { db, engine: handle().engine },
      mailer: null,
      baseUrl: BASE,
    });
    expect(result.skipped).toBe(2);
    expect(await statuses(db)).toEqual(['skipped', 'skipped']);
  });
});

// Several instances on one PostgreSQL: claims with FOR UPDATE SKIP LOCKED.
describe.runIf(postgresUrl)('notification email on several PostgreSQL instances', () => {
  it('sends each email once when several instances deliver at the same time', async () => {
    const handle = await freshDatabase('postgres');
    const server = await startSmtpServer();
    const m = createMailer(loadConfig({ PAVED_SMTP_URL: server.url }))!;
    try {
      const { db, people } = await seedFeedback(handle);
      const items = [];
      for (let i = 0; i < 6; i++) items.push(await post(db, people.ada, { title: `Item ${i}` }));
      await setPreferences(db, people.ada.actor, { emailMode: 'immediate' });
      for (const item of items) {
        await changeStatus(db, people.barbara, item.id, {
          status: 'acknowledged',
          note: `Seen ${item.title}`,
        });
      }
      const deps = { handle: { db, engine: 'postgres' as const }, mailer: m, baseUrl: BASE };
      await Promise.all([1, 2, 3, 4].map(() => deliverEmails(deps)));
      expect(server.messages).toHaveLength(6);
      expect(new Set(server.messages.map((x) => bodyOf(x).match(/Seen Item \d/)?.[0])).size).toBe(
        6,
      );
    } finally {
      m.close();
      await server.stop();
      await handle.close();
    }
  });
});
