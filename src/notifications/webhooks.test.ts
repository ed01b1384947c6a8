import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { createLogger } from '../core/log.ts';
import { setSetting } from '../core/settings.ts';
import { changeStatus } from '../feedback/service.ts';
import { post, seedFeedback } from '../feedback/service-testing.ts';
import { sendTestWebhook } from './delivery.ts';
import { backoffMs, signBody, verifySignature } from './model.ts';
import { webhookAllowList } from './settings.ts';
import { isForbiddenAddress, webhookUrlProblem } from './url-guard.ts';
import { deliverWebhooks } from './webhook-delivery.ts';
import { createWebhook, deliveryLog, updateWebhook } from './webhooks.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers with the given codes in turn (then 200). */
async function receiver(codes: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = codes.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/paved`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The documented check (README): HMAC-SHA256 over "<t>.<body>" with the secret, hex, in v1. */
function verifyAsReceiver(secret: string, body: string, header: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2];
}

describe('webhook signatures and backoff', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and verifies only the same body and secret', () => {
    const header = signBody('whsec_test', '{"a":1}', 1_700_000_000);
    expect(header).toBe(
      `t=1700000000,v1=${createHmac('sha256', 'whsec_test').update('1700000000.{"a":1}').digest('hex')}`,
    );
    expect(verifySignature('whsec_test', '{"a":1}', header)).toBe(true);
    expect(verifySignature('whsec_test', '{"a":2}', header)).toBe(false);
    expect(verifySignature('whsec_other', '{"a":1}', header)).toBe(false);
    expect(verifySignature('whsec_test', '{"a":1}', 't=1,v1=zz')).toBe(false);
  });

  it('doubles the wait from 30 seconds, capped at 6 hours', () => {
    expect([1, 2, 3, 4, 11, 20].map(backoffMs)).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      6 * 3_600_000,
      6 * 3_600_000,
    ]);
  });
});

describe('webhook address guard', () => {
  const resolveTo =
    (map: Record<string, string[]>) =>
    async (host: string): Promise<string[]> => {
      if (!map[host]) throw new Error('ENOTFOUND');
      return map[host]!;
    };

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '224.0.0.1',
  ])('forbids %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['203.0.113.10', '8.8.8.8', '2606:4700::1111'])('allows the public address %s', (a) => {
    expect(isForbiddenAddress(a)).toBe(false);
  });

  it('refuses private, loopback, link-local and metadata URLs, by literal or by resolved address', async () => {
    const dns = resolveTo({
      'hooks.example.test': ['203.0.113.10'],
      'internal.example.test': ['203.0.113.10', '10.0.0.5'],
      'metadata.google.internal': ['169.254.169.254'],
    });
    expect(await webhookUrlProblem('https://hooks.example.test/x', [], dns)).toBeNull();
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://10.0.0.1/',
      'https://internal.example.test/',
      'http://metadata.google.internal/',
    ]) {
      expect(await webhookUrlProblem(url, [], dns), url).toMatch(/private, loopback, link-local/);
    }
    expect(await webhookUrlProblem('ftp://hooks.example.test/', [], dns)).toMatch(/https/);
    expect(await webhookUrlProblem('https://u:p@hooks.example.test/', [], dns)).toMatch(
      /credentials/,
    );
    expect(await webhookUrlProblem('https://nowhere.example.test/', [], dns)).toMatch(
      /cannot be found/,
    );
    expect(await webhookUrlProblem('not a url', [], dns)).toMatch(/full address/);
  });

  it('admits what the allow-list names: a host, an address or a network', async () => {
    const dns = resolveTo({ 'chat.internal': ['10.20.1.5'] });
    expect(await webhookUrlProblem('http://chat.internal/hook', ['chat.internal'], dns)).toBeNull();
    expect(await webhookUrlProblem('http://chat.internal/hook', ['10.20.0.0/16'], dns)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9/', ['127.0.0.1'], dns)).toBeNull();
    expect(await webhookUrlProblem('http://10.21.0.1/', ['10.20.0.0/16'], dns)).not.toBeNull();
  });
});

describeEngines('webhooks', (handle) => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  const deliveryDeps = () => ({
    handle: { db: handle().db, engine: handle().engine },
    secret: testSecret,
    baseUrl: 'https://paved.example.test',
  });

  it('refuses a loopback URL until an admin allow-lists it, and only admins manage webhooks', async () => {
    const { db, people } = await seedFeedback(handle());
    const input = {
      name: 'Chat',
      url: 'http://127.0.0.1:9/hook',
      format: 'json' as const,
      events: ['feedback.status_changed'],
    };
    await expect(createWebhook(db, people.admin, testSecret, input)).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'url', message: expect.stringMatching(/loopback/) }],
    });
    await expect(createWebhook(db, people.barbara, testSecret, input)).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      createWebhook(db, people.admin, testSecret, { ...input, events: ['nope'], name: ' ' }),
    ).rejects.toMatchObject({
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'name' }),
        expect.objectContaining({ path: 'events' }),
      ]),
    });
    expect(await db.selectFrom('webhooks').selectAll().execute()).toEqual([]);
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const { webhook, signingSecret } = await createWebhook(db, people.admin, testSecret, input);
    expect(webhook).toMatchObject({ url: input.url, active: true, events: input.events });
    // The secret is stored sealed, never as it is.
    const row = await db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(signingSecret);
    expect(testSecret.decrypt('webhook-signing-secret', row.secret_sealed)).toBe(signingSecret);
  });

  it('delivers a signed event to a receiver on 127.0.0.1 that verifies with the documented algorithm', async () => {
    const { db, people } = await seedFeedback(handle());
    const hook = await receiver();
    stop = hook.stop;
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const { signingSecret } = await createWebhook(db, people.admin, testSecret, {
      name: 'Events',
      url: hook.url,
      format: 'json',
      events: ['feedback.status_changed'],
    });
    const item = await post(db, people.ada, { title: 'Slow deploys', postedAs: 'team' });
    await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'Seen.' });
    expect(await deliverWebhooks(deliveryDeps())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(hook.received).toHaveLength(1);
    const { headers, body } = hook.received[0]!;
    expect(headers['x-paved-event']).toBe('feedback.status_changed');
    expect(verifyAsReceiver(signingSecret, body, String(headers['x-paved-signature']))).toBe(true);
    expect(verifyAsReceiver('whsec_wrong', body, String(headers['x-paved-signature']))).toBe(false);
    const event = JSON.parse(body);
    expect(event).toMatchObject({
      type: 'feedback.status_changed',
      data: { id: item.id, status: 'acknowledged', from: 'new', note: 'Seen.', author: null },
    });
    // The hidden author is nowhere in the body.
    expect(body).not.toContain(people.ada.actor.name);
    // feedback.created was not subscribed: nothing else was sent.
    expect(await deliverWebhooks(deliveryDeps())).toEqual({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('retries with exponential backoff, logging every response code, until delivered', async () => {
    const { db, people } = await seedFeedback(handle());
    const hook = await receiver([500, 503]);
    stop = hook.stop;
    await setSetting(db, webhookAllowList, ['127.0.0.0/8']);
    const { webhook } = await createWebhook(db, people.admin, testSecret, {
      name: 'Slack',
      url: hook.url,
      format: 'slack',
      events: ['feedback.created'],
    });
    await post(db, people.ada, { title: 'Flags <b>are</b> slow' });
    const t0 = Date.now();
    expect(await deliverWebhooks(deliveryDeps(), new Date(t0))).toMatchObject({ retrying: 1 });
    let [entry] = (await deliveryLog(db, people.admin.actor, webhook.id, { limit: 10 })).items;
    expect(Date.parse(entry!.nextAt) - t0).toBe(30_000);
    // Not due yet: nothing is sent.
    expect(await deliverWebhooks(deliveryDeps(), new Date(t0 + 29_000))).toMatchObject({
      retrying: 0,
      delivered: 0,
    });
    expect(await deliverWebhooks(deliveryDeps(), new Date(t0 + 30_000))).toMatchObject({
      retrying: 1,
    });
    [entry] = (await deliveryLog(db, people.admin.actor, webhook.id, { limit: 10 })).items;
    expect(Date.parse(entry!.nextAt) - (t0 + 30_000)).toBe(60_000);
    expect(await deliverWebhooks(deliveryDeps(), new Date(t0 + 90_000))).toMatchObject({
      delivered: 1,
    });
    [entry] = (await deliveryLog(db, people.admin.actor, webhook.id, { limit: 10 })).items;
    expect(entry).toMatchObject({ status: 'delivered', attempts: 3, lastCode: 200 });
    expect(entry!.log.map((a) => a.code)).toEqual([500, 503, 200]);
    // Slack-compatible: a text with the title escaped and a link.
    const slack = JSON.parse(hook.received[2]!.body);
    expect(slack.text).toContain('Flags &lt;b&gt;are&lt;/b&gt; slow');
    expect(slack.text).toContain('<https://paved.example.test/feedback/');
  });

  it('gives up after the last attempt', async () => {
    const { db, people } = await seedFeedback(handle());
    const hook = await receiver(Array(20).fill(500));
    stop = hook.stop;
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const { webhook } = await createWebhook(db, people.admin, testSecret, {
      name: 'Down',
      url: hook.url,
      format: 'json',
      events: ['feedback.created'],
    });
    await post(db, people.ada);
    let at = Date.now();
    for (let i = 0; i < 10; i++) {
      await deliverWebhooks(deliveryDeps(), new Date(at));
      at += 7 * 3_600_000;
    }
    const [entry] = (await deliveryLog(db, people.admin.actor, webhook.id, { limit: 10 })).items;
    expect(entry).toMatchObject({ status: 'failed', attempts: 8, lastCode: 500 });
    expect(hook.received).toHaveLength(8);
  });

  it('refuses at send time an address the allow-list no longer admits (no request is made)', async () => {
    const { db, people } = await seedFeedback(handle());
    const hook = await receiver();
    stop = hook.stop;
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const { webhook } = await createWebhook(db, people.admin, testSecret, {
      name: 'Local',
      url: hook.url.replace('127.0.0.1', 'localhost'),
      format: 'json',
      events: ['feedback.created'],
    });
    await setSetting(db, webhookAllowList, []);
    await post(db, people.ada);
    expect(await deliverWebhooks(deliveryDeps())).toMatchObject({ retrying: 1 });
    const [entry] = (await deliveryLog(db, people.admin.actor, webhook.id, { limit: 10 })).items;
    expect(entry!.lastError).toMatch(/forbidden address/);
    expect(hook.received).toHaveLength(0);
  });

  it('sends a test event on request and shows the answer', async () => {
    const { db, people } = await seedFeedback(handle());
    const hook = await receiver([404]);
    stop = hook.stop;
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const { webhook, signingSecret } = await createWebhook(db, people.admin, testSecret, {
      name: 'Ping',
      url: hook.url,
      format: 'json',
      events: ['changelog.published'],
    });
    const deps = {
      ...deliveryDeps(),
      mailer: null,
      config: { baseUrl: 'https://paved.example.test' },
      log: createLogger('silent'),
    };
    const failed = await sendTestWebhook(deps, people.admin, webhook.id);
    expect(failed).toMatchObject({
      eventType: 'ping',
      isTest: true,
      status: 'failed',
      lastCode: 404,
    });
    const ok = await sendTestWebhook(deps, people.admin, webhook.id);
    expect(ok).toMatchObject({ status: 'delivered', lastCode: 200 });
    const last = hook.received[1]!;
    expect(
      verifyAsReceiver(signingSecret, last.body, String(last.headers['x-paved-signature'])),
    ).toBe(true);
    await expect(sendTestWebhook(deps, people.barbara, webhook.id)).rejects.toMatchObject({
      status: 403,
    });
    await updateWebhook(db, people.admin, webhook.id, { active: false });
  });
});
