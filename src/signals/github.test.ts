import { describe, expect, it } from 'vitest';
import { signIn, testApp, testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { applyOrgSnapshot } from '../org/store.ts';
import { readDelivery, signatureMatches, signBody } from './github.ts';
import { WEBHOOK_MAX_BYTES } from './model.ts';
import type { Ctx } from './service.ts';
import { mapRepository, setWebhookSecret, signalsHousekeeping } from './service-github.ts';
import { seedSignals } from './testing.ts';

// GitHub's documented test vector.
const SECRET = "It's a Secret to Everybody";
const BODY = 'Hello, World!';
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('GitHub signatures', () => {
  it('accepts the documented test vector', () => {
    expect(signBody(BODY, SECRET)).toBe(SIGNATURE);
    expect(signatureMatches(bytes(BODY), SIGNATURE, [SECRET])).toBe(true);
    // Hex digits compare case-insensitively.
    expect(
      signatureMatches(bytes(BODY), SIGNATURE.toUpperCase().replace('SHA256', 'sha256'), [SECRET]),
    ).toBe(true);
  });

  it('refuses every single bit flipped in the signature or the body', () => {
    const hex = SIGNATURE.slice('sha256='.length);
    for (let i = 0; i < hex.length; i++) {
      for (const bit of [1, 2, 4, 8]) {
        const flipped = `${hex.slice(0, i)}${(Number.parseInt(hex[i]!, 16) ^ bit).toString(16)}${hex.slice(i + 1)}`;
        expect(signatureMatches(bytes(BODY), `sha256=${flipped}`, [SECRET])).toBe(false);
      }
    }
    const body = bytes(BODY);
    for (let i = 0; i < body.length * 8; i++) {
      const copy = body.slice();
      copy[i >> 3]! ^= 1 << (i & 7);
      expect(signatureMatches(copy, SIGNATURE, [SECRET])).toBe(false);
    }
  });

  it('refuses a missing header, a wrong length, another algorithm and no secret', () => {
    const hex = SIGNATURE.slice(7);
    for (const header of [
      undefined,
      '',
      'sha256=',
      `sha256=${hex.slice(0, -1)}`,
      `sha256=${hex}0`,
      `sha256=${hex.slice(0, 32)}`,
      `sha1=${hex.slice(0, 40)}`,
      hex,
      `sha256=${'z'.repeat(64)}`,
    ]) {
      expect(signatureMatches(bytes(BODY), header, [SECRET]), String(header)).toBe(false);
    }
    expect(signatureMatches(bytes(BODY), SIGNATURE, [])).toBe(false);
  });

  it('accepts the previous secret during a rotation, in either position', () => {
    expect(signatureMatches(bytes(BODY), SIGNATURE, ['a new secret of 16+', SECRET])).toBe(true);
    expect(signatureMatches(bytes(BODY), SIGNATURE, [SECRET, 'a new secret of 16+'])).toBe(true);
    expect(signatureMatches(bytes(BODY), SIGNATURE, ['a new secret of 16+'])).toBe(false);
  });

  it('reads deployment statuses and merged pull requests, and ignores the rest', () => {
    const repo = { full_name: 'Acme/Checkout-API' };
    const status = (state: string, environment: string) => ({
      action: 'created',
      repository: repo,
      deployment_status: { id: 42, state, environment, created_at: '2026-11-02T10:05:00Z' },
      deployment: { id: 7, environment, created_at: '2026-11-02T10:00:00Z' },
    });
    expect(readDelivery('deployment_status', status('success', 'production'))).toEqual({
      repository: 'acme/checkout-api',
      action: 'created',
      ignored: null,
      signal: {
        type: 'deploy',
        id: 'deployment_status:42',
        service: 'checkout-api',
        environment: 'production',
        started: '2026-11-02T10:00:00.000Z',
        finished: '2026-11-02T10:05:00.000Z',
        outcome: 'success',
      },
    });
    expect(readDelivery('deployment_status', status('failure', 'prod')).signal).toMatchObject({
      outcome: 'failure',
    });
    expect(readDelivery('deployment_status', status('pending', 'production')).ignored).toBe(
      'deployment status pending is neither success nor failure',
    );
    expect(readDelivery('deployment_status', status('success', 'staging')).ignored).toBe(
      'environment staging is not production',
    );
    const pr = (action: string, merged: boolean) => ({
      action,
      repository: repo,
      pull_request: {
        id: 9,
        merged,
        created_at: '2026-11-01T08:00:00Z',
        merged_at: merged ? '2026-11-02T08:00:00Z' : null,
      },
    });
    expect(readDelivery('pull_request', pr('closed', true)).signal).toEqual({
      type: 'pull_request',
      id: 'pull_request:9',
      opened: '2026-11-01T08:00:00.000Z',
      merged: '2026-11-02T08:00:00.000Z',
    });
    expect(readDelivery('pull_request', pr('closed', false)).signal).toBeNull();
    expect(readDelivery('pull_request', pr('opened', false)).signal).toBeNull();
    expect(readDelivery('push', { repository: repo }).ignored).toBe('push events are not used');
  });
});

describeEngines('GitHub webhook', (handle) => {
  const deployment = (repo: string, id: number, state = 'success') =>
    JSON.stringify({
      action: 'created',
      repository: { full_name: repo },
      deployment_status: {
        id,
        state,
        environment: 'production',
        created_at: '2026-11-02T10:05:00Z',
      },
      deployment: { id, environment: 'production', created_at: '2026-11-02T10:00:00Z' },
    });

  function setup(env: Record<string, string> = { PAVED_GITHUB_WEBHOOK_SECRET: SECRET }) {
    const app = testApp(handle(), env);
    const deliver = (
      body: string,
      opts: {
        event?: string;
        delivery?: string;
        signature?: string | null;
        headers?: Record<string, string>;
      } = {},
    ) =>
      app.request('/hooks/github', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-GitHub-Event': opts.event ?? 'deployment_status',
          'X-GitHub-Delivery': opts.delivery ?? crypto.randomUUID(),
          ...(opts.signature === null
            ? {}
            : { 'X-Hub-Signature-256': opts.signature ?? signBody(body, SECRET) }),
          ...opts.headers,
        },
        body,
      });
    return { app, deliver };
  }

  it('verifies the test vector over the raw body before parsing it', async () => {
    await seedSignals(handle().db);
    const { deliver } = setup();
    // The signature passes, so the body is read: it is not JSON.
    const res = await deliver(BODY, { signature: SIGNATURE, event: 'ping' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      detail: 'The delivery body is not JSON.',
      errors: [{ path: '(body)', message: 'The delivery body is not JSON.' }],
    });
  });

  it('refuses a delivery with the NUL character in its payload, naming where, and stores nothing', async () => {
    await seedSignals(handle().db);
    const { deliver } = setup();
    const res = await deliver(deployment('acme/checkout\u0000api', 1));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([
      { path: 'repository.full_name', message: 'Text may not contain the NUL character (U+0000).' },
    ]);
    expect(await countRows(handle().db, 'signal_github_deliveries')).toBe(0);
  });

  it('names the missing delivery headers of a signed delivery', async () => {
    await seedSignals(handle().db);
    const { deliver } = setup();
    const res = await deliver('{}', { event: '', delivery: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors).toEqual([
      { path: 'X-GitHub-Delivery', message: 'A delivery needs an X-GitHub-Delivery header.' },
      { path: 'X-GitHub-Event', message: 'A delivery needs an X-GitHub-Event header.' },
    ]);
  });

  it('answers 401 to a missing, wrong or short signature and stores nothing', async () => {
    await seedSignals(handle().db);
    const { deliver } = setup();
    const body = deployment('acme/checkout-api', 1);
    const good = signBody(body, SECRET);
    const flipped = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    for (const signature of [
      null,
      flipped,
      good.slice(0, -2),
      signBody(body, 'another secret here'),
    ]) {
      const res = await deliver(body, { signature });
      expect(res.status, String(signature)).toBe(401);
    }
    const noSecret = setup({}).deliver(body);
    const refused = await noSecret;
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(
      /No GitHub webhook secret is set/,
    );
    expect(await countRows(handle().db, 'signal_github_deliveries')).toBe(0);
    // A signed-in person is not GitHub either.
    const ada = await signIn(handle(), 'admin');
    const person = await deliver(body, {
      signature: null,
      headers: { ...ada.cookie, 'X-CSRF-Token': ada.csrfToken },
    });
    expect(person.status).toBe(403);
  });

  it('answers 413 above 25 MB, on this route only', async () => {
    await seedSignals(handle().db);
    const { deliver } = setup();
    const big = ' '.repeat(WEBHOOK_MAX_BYTES + 1);
    const res = await deliver(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'A webhook delivery may be at most 25 MB.',
    );
    // Just under the limit is read (and, signed, processed as an ignored ping).
    const padded = `{"zen":"ok"}${' '.repeat(WEBHOOK_MAX_BYTES - 20)}`;
    const ok = await deliver(padded, { event: 'ping' });
    expect(ok.status).toBe(200);
  });

  it('turns a production deployment into a deploy of the annotated service’s team, once per delivery', async () => {
    const f = await seedSignals(handle().db);
    const { deliver } = setup();
    const body = deployment('acme/checkout-api', 1);
    const first = await deliver(body, { delivery: 'd-1' });
    expect(await first.json()).toEqual({ delivery: 'd-1', status: 'processed', reason: null });
    const again = await deliver(body, { delivery: 'd-1' });
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    // A new delivery of the same status is still one deploy (unique per source and id).
    await deliver(body, { delivery: 'd-2' });
    const deploys = await handle().db.selectFrom('signal_deploys').selectAll().execute();
    expect(deploys).toEqual([
      expect.objectContaining({
        team_id: f.team.checkout,
        client_id: 'deployment_status:1',
        duration_seconds: 300,
        outcome: 'success',
      }),
    ]);
    const ping = await deliver('{"zen":"Keep it logically awesome."}', { event: 'ping' });
    expect(await ping.json()).toMatchObject({
      status: 'ignored',
      reason: 'ping events are not used',
    });
  });

  it('keeps deliveries of unmapped repositories and recovers them when the repository is mapped', async () => {
    const f = await seedSignals(handle().db);
    const { deliver } = setup();
    for (const id of [1, 2]) {
      const res = await deliver(deployment('acme/payments-web', id), { delivery: `u-${id}` });
      expect(await res.json()).toMatchObject({ status: 'unmapped' });
    }
    expect(await countRows(handle().db, 'signal_events')).toBe(0);
    const admin = await signIn(handle(), 'platform');
    const ctx: Ctx = {
      actor: {
        userId: admin.user.id,
        email: admin.user.email,
        name: 'p',
        role: 'platform',
        personId: null,
        teamId: null,
        teamIds: [],
        via: 'session',
      },
      ip: null,
    };
    expect(
      await mapRepository(handle().db, ctx, {
        repository: 'https://github.com/Acme/payments-web',
        team: 'payments',
      }),
    ).toBe(2);
    const days = await handle().db.selectFrom('signal_team_days').selectAll().execute();
    expect(days).toEqual([expect.objectContaining({ team_id: f.team.payments, deploys: 2 })]);
    const statuses = await handle()
      .db.selectFrom('signal_github_deliveries')
      .select('status')
      .execute();
    expect(statuses.map((s) => s.status)).toEqual(['processed', 'processed']);
    // Mapping again recovers nothing twice.
    expect(
      await mapRepository(handle().db, ctx, { repository: 'acme/payments-web', team: 'payments' }),
    ).toBe(0);
    await expect(
      mapRepository(handle().db, ctx, { repository: 'not a repo', team: 'payments' }),
    ).rejects.toThrow('Give the repository as owner/name');
  });

  it('accepts the previous secret while a rotation is under way, from the environment or the page', async () => {
    await seedSignals(handle().db);
    const body = deployment('acme/checkout-api', 3);
    const rotating = setup({
      PAVED_GITHUB_WEBHOOK_SECRET: 'the brand new webhook secret',
      PAVED_GITHUB_WEBHOOK_SECRET_PREVIOUS: SECRET,
    });
    expect((await rotating.deliver(body)).status).toBe(200);
    expect(
      (await rotating.deliver(body, { signature: signBody(body, 'the brand new webhook secret') }))
        .status,
    ).toBe(200);

    const stored = setup({});
    const admin = await signIn(handle(), 'admin');
    const ctx: Ctx = {
      actor: {
        userId: admin.user.id,
        email: admin.user.email,
        name: 'a',
        role: 'admin',
        personId: null,
        teamId: null,
        teamIds: [],
        via: 'session',
      },
      ip: null,
    };
    await setWebhookSecret(handle().db, ctx, testSecret, SECRET);
    expect((await stored.deliver(body)).status).toBe(200);
    await setWebhookSecret(handle().db, ctx, testSecret, 'a second stored secret');
    // The first stored secret still works as the previous one …
    expect((await stored.deliver(body)).status).toBe(200);
    // … until the previous one is forgotten.
    await setWebhookSecret(handle().db, ctx, testSecret, null);
    expect((await stored.deliver(body)).status).toBe(401);
    expect(
      (await stored.deliver(body, { signature: signBody(body, 'a second stored secret') })).status,
    ).toBe(200);
    // The stored values are sealed, never plain.
    const row = await handle()
      .db.selectFrom('settings')
      .select('value')
      .where('key', '=', 'signals.github_webhook_secret')
      .executeTakeFirstOrThrow();
    expect(row.value).not.toContain('a second stored secret');
  });

  it('recovers waiting deliveries in housekeeping once a catalog import names the repository, and prunes old logs', async () => {
    const f = await seedSignals(handle().db);
    const { deliver } = setup();
    await deliver(deployment('acme/ledger', 5), { delivery: 'w-5' });
    expect(await signalsHousekeeping(handle().db)).toEqual({
      recovered: 0,
      batches: 0,
      deliveries: 0,
    });
    await applyOrgSnapshot(
      handle().db,
      {
        teams: [],
        people: [],
        services: [
          {
            ref: 'component:default/ledger',
            name: 'ledger',
            ownerRef: 'group:default/platform',
            repository: 'acme/ledger',
            annotations: { 'github.com/project-slug': 'acme/ledger' },
          },
        ],
      },
      { full: false, today: '2026-11-02' },
    );
    const later = new Date(Date.now() + 91 * 86_400_000);
    expect(await signalsHousekeeping(handle().db, later)).toEqual({
      recovered: 1,
      batches: 0,
      deliveries: 1,
    });
    const deploy = await handle()
      .db.selectFrom('signal_deploys')
      .select('team_id')
      .executeTakeFirstOrThrow();
    expect(deploy.team_id).toBe(f.team.platform);
  });
});
