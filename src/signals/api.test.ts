import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { MAX_BYTES, MAX_LINES } from './model.ts';
import { sampleEvents, seedSignals } from './testing.ts';

const ndjson = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n');

/** Usage events use0…use(n-1) for Payments, one a minute from 2026-11-02 09:00. */
function usage(n: number, prefix = 'use') {
  return Array.from({ length: n }, (_, i) => ({
    type: 'usage',
    id: `${prefix}${i}`,
    team: 'payments',
    capability: 'ci',
    at: new Date(Date.UTC(2026, 10, 2, 9, i)).toISOString(),
  }));
}

describeEngines('events API', (handle) => {
  async function setup() {
    const f = await seedSignals(handle().db);
    const app = testApp(handle());
    const send = (token: string, body: string, type = 'application/x-ndjson') =>
      app.request('/api/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
        body,
      });
    return { f, app, send };
  }

  it('takes NDJSON with an ingest token and answers the counts', async () => {
    const { f, send } = await setup();
    const body = `${ndjson(sampleEvents())}\n{"type":"usage"}\n`;
    const res = await send(f.token, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 6,
      duplicates: 0,
      rejected: [{ line: 7, reason: 'id: is required' }],
    });
    const again = await send(f.token, body);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 6 });
    const batches = await handle()
      .db.selectFrom('signal_ingest_batches')
      .select(['source_id', 'via', 'accepted'])
      .orderBy('accepted', 'desc')
      .execute();
    expect(batches).toEqual([
      { source_id: f.source.id, via: 'api', accepted: 6 },
      { source_id: f.source.id, via: 'api', accepted: 0 },
    ]);
  });

  it('rejects a line with the NUL character on its own, and the others go in', async () => {
    const { f, send } = await setup();
    const [a, b] = usage(2);
    const bad = { ...usage(1, 'x')[0], id: 'x\u0000', capability: 'c\u0000i' };
    const res = await send(f.token, ndjson([a, bad, b]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [{ line: 2, reason: 'id: may not contain the NUL character (U+0000)' }],
    });
  });

  it('takes a JSON array as the alternative, numbering items from 1', async () => {
    const { f, send } = await setup();
    const res = await send(
      f.token,
      JSON.stringify([...usage(2), { ...usage(1)[0], id: 'bad', team: 'nobody' }]),
      'application/json',
    );
    expect(await res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        {
          line: 3,
          reason: 'team: unknown team "nobody" (use a team slug or a group entity ref)',
        },
      ],
    });
    const notArray = await send(f.token, '{"type":"usage"}', 'application/json');
    expect(notArray.status).toBe(400);
    const wrongType = await send(f.token, ndjson(usage(1)), 'text/csv');
    expect(wrongType.status).toBe(415);
  });

  it('refuses unknown and revoked ingest tokens, and people without the role', async () => {
    const { f, send, app } = await setup();
    expect((await send('pvi_nope', ndjson(usage(1)))).status).toBe(401);
    const dev = await signIn(handle(), 'developer');
    expect((await send(dev.token, ndjson(usage(1)))).status).toBe(403);
    const anonymous = await app.request('/api/v1/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: ndjson(usage(1)),
    });
    expect(anonymous.status).toBe(401);
    await handle()
      .db.updateTable('signal_ingest_tokens')
      .set({ revoked_at: '2026-11-01' })
      .execute();
    const revoked = await send(f.token, ndjson(usage(1)));
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { detail: string }).detail).toMatch(/unknown or revoked/);
    expect(await countRows(handle().db, 'signal_events')).toBe(0);
  });

  it('files a platform account’s own events under its account source', async () => {
    const { send } = await setup();
    const barbara = await signIn(handle(), 'platform', 'barbara.liskov@example.test');
    expect(await (await send(barbara.token, ndjson(usage(2)))).json()).toMatchObject({
      accepted: 2,
    });
    const source = await handle()
      .db.selectFrom('signal_sources')
      .select(['name', 'kind', 'user_id'])
      .where('kind', '=', 'account')
      .executeTakeFirstOrThrow();
    expect(source).toEqual({
      name: 'account:barbara.liskov@example.test',
      kind: 'account',
      user_id: barbara.user.id,
    });
  });

  it('answers 413 above 10,000 events or 10 MB, stating the limit, and stores nothing', async () => {
    const { f, send } = await setup();
    const many = await send(f.token, ndjson(usage(MAX_LINES + 1)));
    expect(many.status).toBe(413);
    expect(((await many.json()) as { detail: string }).detail).toBe(
      'A request may carry at most 10000 events and 10 MB; split the file (paved event send does).',
    );
    const big = await send(f.token, `${ndjson(usage(1))}\n${' '.repeat(MAX_BYTES)}`);
    expect(big.status).toBe(413);
    expect(await countRows(handle().db, 'signal_events')).toBe(0);
    const exactly = await send(f.token, ndjson(usage(MAX_LINES)));
    expect(await exactly.json()).toMatchObject({ accepted: MAX_LINES });
  });

  it('never counts twice when requests with the same ids race, also after a rotation', async () => {
    const { f, send, app } = await setup();
    const admin = await signIn(handle(), 'admin');
    const events = [...usage(300), ...sampleEvents()];
    const shuffled = [...events].reverse();
    const results = (await Promise.all(
      [events, shuffled, events, shuffled].map(async (batch) =>
        (await send(f.token, ndjson(batch))).json(),
      ),
    )) as { accepted: number; duplicates: number; rejected: unknown[] }[];
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(events.length);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(3 * events.length);
    expect(results.flatMap((r) => r.rejected)).toEqual([]);

    // Rotate: the old token stops, the new one sends for the same source.
    const rotated = await app.request('/api/v1/ingest/sources/jenkins-prod/tokens', {
      method: 'POST',
      headers: { ...admin.bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rotate: true }),
    });
    expect(rotated.status).toBe(201);
    const { token, revoked } = (await rotated.json()) as { token: string; revoked: number };
    expect(revoked).toBe(1);
    expect((await send(f.token, ndjson(usage(1)))).status).toBe(401);
    const resent = await Promise.all([send(token, ndjson(events)), send(token, ndjson(events))]);
    const bodies = (await Promise.all(resent.map((r) => r.json()))) as {
      accepted: number;
      duplicates: number;
    }[];
    expect(bodies).toEqual([
      { accepted: 0, duplicates: events.length, rejected: [] },
      { accepted: 0, duplicates: events.length, rejected: [] },
    ]);

    const { db } = handle();
    expect(await countRows(db, 'signal_events')).toBe(events.length);
    const uses = await db
      .selectFrom('signal_capability_usage')
      .select((eb) => eb.fn.sum<number>('uses').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(uses.n)).toBe(300 + 3);
    const day = await db
      .selectFrom('signal_team_days')
      .selectAll()
      .where('day', '=', '2026-11-02')
      .executeTakeFirstOrThrow();
    expect(day).toMatchObject({ deploys: 1, merged_prs: 1, incidents: 1, lead_seconds_count: 2 });
  });
});

describeEngines('ingest sources API', (handle) => {
  it('lets admins add sources and tokens, never showing a value twice', async () => {
    await seedSignals(handle().db);
    const app = testApp(handle());
    const admin = await signIn(handle(), 'admin');
    const platform = await signIn(handle(), 'platform');
    const post = (who: typeof admin, path: string, body: unknown) =>
      app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { ...who.bearer, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(platform, '/ingest/sources', { name: 'gitlab' })).status).toBe(403);
    const bad = await post(admin, '/ingest/sources', { name: 'Git Lab!' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      { path: 'name', message: 'Use lower-case letters, digits and dashes, such as jenkins-prod' },
    ]);
    expect((await post(admin, '/ingest/sources', { name: 'github' })).status).toBe(409);
    const created = await post(admin, '/ingest/sources', { name: 'gitlab', description: 'CI' });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect(token).toMatch(/^pvi_/);
    expect((await post(admin, '/ingest/sources', { name: 'gitlab' })).status).toBe(409);
    const second = await post(admin, '/ingest/sources/gitlab/tokens', {});
    expect(await second.json()).toMatchObject({ source: 'gitlab', revoked: 0 });

    const shown = await app.request('/api/v1/ingest/sources/gitlab', { headers: admin.bearer });
    const detail = (await shown.json()) as { tokens: { id: string; state: string }[] };
    expect(detail.tokens.map((t) => t.state)).toEqual(['active', 'active']);
    expect(JSON.stringify(detail)).not.toContain(token);
    const gone = await app.request(`/api/v1/ingest/sources/gitlab/tokens/${detail.tokens[1]!.id}`, {
      method: 'DELETE',
      headers: admin.bearer,
    });
    expect(gone.status).toBe(204);
    const list = await app.request('/api/v1/ingest/sources', { headers: admin.bearer });
    expect(await list.json()).toEqual({
      items: [
        expect.objectContaining({ name: 'gitlab', kind: 'token', activeTokens: 1 }),
        expect.objectContaining({ name: 'jenkins-prod', activeTokens: 1 }),
      ],
    });
    const audit = await handle()
      .db.selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'ingest%')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'ingest-source.create',
      'ingest-token.create',
      'ingest-token.revoke',
    ]);
  });
});
