import { expect, it } from 'vitest';
import { testApp, testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { changeStatus } from '../feedback/service.ts';
import { setDisabled } from '../identity/store.ts';
import { atomProblems, entryTitles, parseAtom } from './atom-testing.ts';
import { feedKeyFor, resetFeedKey } from './feed-keys.ts';
import { seedPages } from './pages-testing.ts';
import { createItem } from './service.ts';
import { shipItem } from './service-status.ts';
import { feedbackWithVoters, itemInput, propose } from './service-testing.ts';

describeEngines('Atom feeds', (handle) => {
  async function seeded() {
    const people = await seedPages(handle());
    const { db } = handle();
    const fb = await feedbackWithVoters(
      db,
      people.ada.ctx,
      [people.alan.ctx],
      'Deploys <b>slow</b> & flaky',
    );
    const shipped = await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Cache builds', feedbackIds: [fb] }),
      status: 'planned',
    });
    await shipItem(db, people.barbara.ctx, shipped.id, {
      body: 'Builds are cached. <script>alert(1)</script> [docs](javascript:alert(2))',
    });
    const proposal = await propose(db, people.barbara.ctx, {
      title: 'Retire the old runners & "legacy" images',
      driver: 'platform-health',
    });
    return { people, fb, shipped, proposal };
  }

  it('serves the changelog as valid Atom with the required elements, escaped, as application/atom+xml', async () => {
    const { people } = await seeded();
    const res = await testApp(handle()).request('/feeds/changelog.atom', {
      headers: people.ada.cookie,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();
    expect(atomProblems(xml)).toEqual([]);
    expect(entryTitles(xml)).toEqual(['Cache builds']);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/href=&quot;javascript/i);
    const feed = parseAtom(xml).feed as Record<string, unknown>;
    expect(feed.id).toBe('http://127.0.0.1:3000/feeds/changelog.atom');
    // The content lists the feedback it answers, escaped once inside the escaped HTML.
    const entry = feed.entry as Record<string, unknown>;
    expect(String((entry.content as Record<string, unknown>)['#text'])).toContain(
      'Deploys &lt;b&gt;slow&lt;/b&gt; &amp; flaky',
    );
  });

  it('serves the roadmap and one item’s history', async () => {
    const { people, proposal, shipped } = await seeded();
    const app = testApp(handle());
    const roadmap = await (
      await app.request('/feeds/roadmap.atom', { headers: people.ada.cookie })
    ).text();
    expect(atomProblems(roadmap)).toEqual([]);
    expect(entryTitles(roadmap)).toEqual([
      'Retire the old runners & "legacy" images — open for comment',
      'Cache builds — shipped',
    ]);
    const one = await app.request(`/feeds/roadmap/${shipped.id}.atom`, {
      headers: people.ada.cookie,
    });
    expect(one.status).toBe(200);
    const xml = await one.text();
    expect(atomProblems(xml)).toEqual([]);
    expect(entryTitles(xml)).toEqual(['Planned → Shipped', 'Added as planned']);
    expect(
      (await app.request(`/feeds/roadmap/${proposal.id}`, { headers: people.ada.cookie })).status,
    ).toBe(404);
    expect(
      (await app.request('/feeds/roadmap/nope.atom', { headers: people.ada.cookie })).status,
    ).toBe(404);
  });

  it('serves a feedback item’s status history without naming an author who posted as a team member', async () => {
    const { people } = await seeded();
    const { db } = handle();
    const { post } = await import('../feedback/service-testing.ts');
    const hidden = await post(db, people.ada.ctx, { title: 'Secret author', postedAs: 'team' });
    await changeStatus(db, people.barbara.ctx, hidden.id, {
      status: 'acknowledged',
      note: 'We see it.',
    });
    const res = await testApp(handle()).request(`/feeds/feedback/${hidden.id}.atom`, {
      headers: people.alan.cookie,
    });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(atomProblems(xml)).toEqual([]);
    expect(entryTitles(xml)).toEqual(['New → Acknowledged', 'Posted: Secret author']);
    expect(xml).not.toContain('Test developer');
    expect(xml).not.toContain('ada.lovelace');
  });

  it('opens for a feed reader with its owner’s key only, and refuses replaced, forged and disabled keys', async () => {
    const { people } = await seeded();
    const { db } = handle();
    const app = testApp(handle());
    // Nobody signed in, no key: the browser is sent to sign in.
    const anonymous = await app.request('/feeds/changelog.atom');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Ffeeds%2Fchangelog.atom');
    const key = await feedKeyFor(db, testSecret, people.ada.user.id);
    expect(await feedKeyFor(db, testSecret, people.ada.user.id)).toBe(key);
    const ok = await app.request(`/feeds/changelog.atom?key=${encodeURIComponent(key)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(atomProblems(await ok.text())).toEqual([]);
    // The key opens the feeds, not the pages or the API.
    expect((await app.request(`/roadmap?key=${encodeURIComponent(key)}`)).status).toBe(303);
    expect((await app.request(`/api/v1/changelog?key=${encodeURIComponent(key)}`)).status).toBe(
      401,
    );
    const [id] = key.split('.');
    for (const bad of [`${id}.${'0'.repeat(64)}`, 'nonsense', `${key}.x`]) {
      const res = await app.request(`/feeds/changelog.atom?key=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(401);
      expect(await res.text()).toMatch(/no longer works/);
    }
    const fresh = await resetFeedKey(db, testSecret, people.ada.user.id);
    expect(fresh).not.toBe(key);
    expect((await app.request(`/feeds/roadmap.atom?key=${encodeURIComponent(key)}`)).status).toBe(
      401,
    );
    expect((await app.request(`/feeds/roadmap.atom?key=${encodeURIComponent(fresh)}`)).status).toBe(
      200,
    );
    await setDisabled(db, people.ada.user.id, true);
    expect((await app.request(`/feeds/roadmap.atom?key=${encodeURIComponent(fresh)}`)).status).toBe(
      401,
    );
  });

  it('is a valid feed with no entries', async () => {
    const people = await seedPages(handle());
    const xml = await (
      await testApp(handle()).request('/feeds/changelog.atom', { headers: people.ada.cookie })
    ).text();
    expect(atomProblems(xml)).toEqual([]);
    expect(entryTitles(xml)).toEqual([]);
  });
});
