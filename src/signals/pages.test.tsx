import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { signBody } from './github.ts';
import { ingestEvents } from './service.ts';
import { sampleEvents, seedSignals } from './testing.ts';

const SECRET = 'a webhook secret for the tests';

describeEngines('ingestion pages', (handle) => {
  function app() {
    return testApp(handle(), { PAVED_GITHUB_WEBHOOK_SECRET: SECRET });
  }
  async function get(who: TestUser, path: string) {
    const res = await app().request(path, { headers: who.cookie });
    return { status: res.status, html: await res.text() };
  }
  async function post(who: TestUser, path: string, fields: Record<string, string>) {
    return app().request(path, {
      method: 'POST',
      headers: {
        ...who.cookie,
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'http://localhost',
      },
      body: new URLSearchParams({ _csrf: who.csrfToken, ...fields }),
    });
  }
  async function deliver(repo: string, id: number) {
    const body = JSON.stringify({
      action: 'created',
      repository: { full_name: repo },
      deployment_status: {
        id,
        state: 'success',
        environment: 'production',
        created_at: '2026-11-02T10:05:00Z',
      },
      deployment: { id, created_at: '2026-11-02T10:00:00Z' },
    });
    await app().request('/hooks/github', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'deployment_status',
        'X-GitHub-Delivery': `delivery-${id}`,
        'X-Hub-Signature-256': signBody(body, SECRET),
      },
      body,
    });
  }

  it('shows batches, rejected lines and deliveries to the platform team, and nothing to developers', async () => {
    const f = await seedSignals(handle().db);
    await ingestEvents(handle().db, f.source.id, [
      ...sampleEvents(),
      { type: 'usage', id: 'bad', team: 'nobody', capability: 'ci', at: '2026-11-02T10:00:00Z' },
    ]);
    await deliver('acme/unknown-repo', 1);
    const platform = await signIn(handle(), 'platform');
    const page = await get(platform, '/ingestion');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Event ingestion</h1>');
    expect(page.html).toContain('jenkins-prod');
    expect(page.html).toContain('team: unknown team &quot;nobody&quot;');
    expect(page.html).toContain('acme/unknown-repo');
    expect(page.html).toContain('no team for acme/unknown-repo; map the repository to recover it');
    // Sources and the webhook secret are for admins only.
    expect(page.html).not.toContain('Sources and tokens');
    const developer = await signIn(handle(), 'developer');
    expect((await get(developer, '/ingestion')).status).toBe(403);
  });

  it('maps a waiting repository to a team and recovers its deliveries, with errors beside the fields', async () => {
    await seedSignals(handle().db);
    await deliver('acme/payments-web', 1);
    await deliver('acme/payments-web', 2);
    const platform = await signIn(handle(), 'platform');
    const bad = await post(platform, '/ingestion/repositories', {
      repository: 'not a repo',
      team: '',
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('Give the repository as owner/name, such as acme/checkout.');
    expect(html).toContain('value="not a repo"');
    const mapped = await post(platform, '/ingestion/repositories', {
      repository: 'acme/payments-web',
      team: 'payments',
    });
    expect(mapped.status).toBe(200);
    expect(await mapped.text()).toContain('2 waiting deliveries were recovered');
    expect(await countRows(handle().db, 'signal_deploys')).toBe(2);
    const page = await get(platform, '/ingestion');
    expect(page.html).toContain('No delivery is waiting for a team.');
    expect(page.html).toMatch(/acme\/payments-web<\/td><td>Payments<\/td><td>Set here/);
    const removed = await post(platform, '/ingestion/repositories/remove', {
      repository: 'acme/payments-web',
    });
    expect(removed.status).toBe(303);
    expect(await countRows(handle().db, 'signal_repository_teams')).toBe(0);
  });

  it('lets admins add a source, see its token once, rotate and revoke tokens, and set the webhook secret', async () => {
    await seedSignals(handle().db);
    const admin = await signIn(handle(), 'admin');
    const page = await get(admin, '/ingestion');
    expect(page.html).toContain('Sources and tokens');
    expect(page.html).toContain('A secret is set in the environment');

    const invalid = await post(admin, '/ingestion/sources', { name: 'Not OK' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('Use lower-case letters, digits and dashes');
    const created = await post(admin, '/ingestion/sources', {
      name: 'gitlab',
      description: 'GitLab CI',
    });
    expect(created.status).toBe(200);
    const shown = (await created.text()).match(/<code>(pvi_[^<]+)<\/code>/)?.[1];
    expect(shown).toBeDefined();
    expect((await get(admin, '/ingestion')).html).not.toContain(shown!);

    const source = await get(admin, '/ingestion/sources/gitlab');
    expect(source.html).toContain('<h1>Source gitlab</h1>');
    const confirm = await get(admin, '/ingestion/sources/gitlab/rotate');
    expect(confirm.html).toContain('every other token of gitlab stops working at once');
    const rotated = await post(admin, '/ingestion/sources/gitlab/rotate', {});
    expect(await rotated.text()).toContain('1 older token(s) no longer work.');
    const live = await handle()
      .db.selectFrom('signal_ingest_tokens as t')
      .innerJoin('signal_sources as s', 's.id', 't.source_id')
      .select('t.id')
      .where('s.name', '=', 'gitlab')
      .where('t.revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    const revoke = await post(admin, `/ingestion/sources/gitlab/tokens/${live.id}/revoke`, {});
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe('/ingestion/sources/gitlab?done=revoked');

    const short = await post(admin, '/ingestion/github-secret', { secret: 'short' });
    expect(short.status).toBe(400);
    const set = await post(admin, '/ingestion/github-secret', {
      secret: 'a stored secret of enough length',
    });
    expect(set.status).toBe(303);
    expect((await get(admin, '/ingestion')).html).toContain('A secret is also set here.');

    const platform = await signIn(handle(), 'platform');
    expect((await post(platform, '/ingestion/sources', { name: 'sneaky' })).status).toBe(403);
    expect((await get(platform, '/ingestion/sources/gitlab')).status).toBe(403);
  });
});
