import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { listDecisions } from '../capabilities/store.ts';
import { closeWindow, get, post, seedPages } from './pages-testing.ts';
import { createItem } from './service.ts';
import { feedbackWithVoters, itemInput, propose } from './service-testing.ts';
import { getItem, listComments } from './store.ts';

describeEngines('roadmap pages', (handle) => {
  it('shows developer requests and business priorities side by side, with the balance and why', async () => {
    const people = await seedPages(handle());
    const { db } = handle();
    const fb = await feedbackWithVoters(db, people.ada.ctx, [people.alan.ctx, people.leader.ctx]);
    const plan = (overrides: Parameters<typeof itemInput>[0]) =>
      createItem(db, people.barbara.ctx, { ...itemInput(overrides), status: 'planned' });
    await plan({ title: 'Faster builds', horizon: 'now', feedbackIds: [fb] });
    await plan({ title: 'Self-service databases', horizon: 'next' });
    await plan({
      title: 'Cost dashboards <script>x</script>',
      horizon: 'now',
      driver: 'business-priority',
      rationale: 'Finance needs cost per team by Q2.',
    });
    await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Retire Jenkins', driver: 'platform-health' }),
      status: 'proposed',
      commentDays: 3,
    });
    const page = await get(handle(), '/roadmap', people.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Roadmap</h1>');
    expect(page.html).toContain('aria-current="page">Roadmap');
    expect(page.html).toContain(
      'Of the 3 items planned or in progress, 2 (67%) come from developer requests and 1 from',
    );
    // Now: one on each side; the developer request first.
    const now = page.html.slice(
      page.html.indexOf('id="horizon-now"'),
      page.html.indexOf('id="horizon-next"'),
    );
    expect(now).toContain('Developer requests <span class="muted">(1)</span>');
    expect(now).toContain(
      'Business priorities, mandates and platform health <span class="muted">(1)</span>',
    );
    expect(now.indexOf('Faster builds')).toBeLessThan(now.indexOf('Cost dashboards'));
    expect(page.html).toContain('Finance needs cost per team by Q2.');
    expect(page.html).toContain('Cost dashboards &lt;script&gt;x&lt;/script&gt;');
    expect(page.html).not.toContain('<script>x');
    // Alan and the leader voted on Ada's item: two people asked for Faster builds.
    expect(page.html).toContain('2 people asked for this');
    expect(page.html).toContain('Retire Jenkins');
    // Developers do not get the add button.
    expect(page.html).not.toContain('href="/roadmap/new"');
    expect((await get(handle(), '/roadmap', people.barbara)).html).toContain('href="/roadmap/new"');
  });

  it('takes comments on an open proposal, keeping the input when one is refused', async () => {
    const people = await seedPages(handle());
    const item = await propose(handle().db, people.barbara.ctx);
    const page = await get(handle(), `/roadmap/${item.id}`, people.ada);
    expect(page.html).toContain('Open for comment until');
    expect(page.html).toContain(`action="/roadmap/${item.id}/comments"`);
    const refused = await post(
      handle(),
      `/roadmap/${item.id}/comments`,
      { stance: 'concern', body: '' },
      people.ada,
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('There is a problem');
    expect(refused.html).toContain('href="#field-body"');
    expect(refused.html).toMatch(/value="concern"[^>]*checked/);
    const posted = await post(
      handle(),
      `/roadmap/${item.id}/comments`,
      { stance: 'concern', body: 'What about <b>monorepos</b>?' },
      people.ada,
    );
    expect(posted).toMatchObject({
      status: 303,
      location: `/roadmap/${item.id}?done=commented#comments`,
    });
    const after = await get(handle(), `/roadmap/${item.id}?done=commented`, people.alan);
    expect(after.html).toContain('What about &lt;b&gt;monorepos&lt;/b&gt;?');
    expect(after.html).toContain('Has concerns');
    // Once the window has closed the form is gone and a late comment is refused.
    await closeWindow(handle(), item.id);
    const closed = await get(handle(), `/roadmap/${item.id}`, people.alan);
    expect(closed.html).not.toContain(`action="/roadmap/${item.id}/comments"`);
    const late = await post(
      handle(),
      `/roadmap/${item.id}/comments`,
      { stance: 'support' },
      people.alan,
    );
    expect(late.status).toBe(400);
    expect(late.html).toContain('Comments closed on');
    expect(await listComments(handle().db, item.id)).toHaveLength(1);
  });

  it('offers the decision only to the decider once the window closes, and confirms deciding against', async () => {
    const people = await seedPages(handle());
    const item = await propose(handle().db, people.barbara.ctx, {
      category: 'security',
      driver: 'mandate',
    });
    const form = `action="/roadmap/${item.id}/decision"`;
    expect((await get(handle(), `/roadmap/${item.id}`, people.leader)).html).not.toContain(form);
    await closeWindow(handle(), item.id);
    expect((await get(handle(), `/roadmap/${item.id}`, people.leader)).html).toContain(form);
    expect((await get(handle(), `/roadmap/${item.id}`, people.barbara)).html).not.toContain(form);
    const forbidden = await post(
      handle(),
      `/roadmap/${item.id}/decision`,
      { outcome: 'planned', rationale: 'Yes.' },
      people.barbara,
    );
    expect(forbidden.status).toBe(403);
    const confirm = await post(
      handle(),
      `/roadmap/${item.id}/decision`,
      { outcome: 'declined', rationale: 'Not now.' },
      people.leader,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Decide against “Cache builds between pipeline runs”?');
    expect(confirm.html).toContain('name="confirmed" value="yes"');
    expect((await getItem(handle().db, item.id))?.status).toBe('proposed');
    const empty = await post(
      handle(),
      `/roadmap/${item.id}/decision`,
      { outcome: 'declined', rationale: '', confirmed: 'yes' },
      people.leader,
    );
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#field-rationale"');
    const done = await post(
      handle(),
      `/roadmap/${item.id}/decision`,
      { outcome: 'declined', rationale: 'The audit moved to next year.', confirmed: 'yes' },
      people.leader,
    );
    expect(done).toMatchObject({ status: 303, location: `/roadmap/${item.id}?done=declined` });
    expect((await getItem(handle().db, item.id))?.status).toBe('declined');
    const decisions = (await listDecisions(handle().db, { limit: 10 })).items;
    expect(decisions.find((d) => d.subjectId === item.id)?.rationale).toBe(
      'The audit moved to next year.',
    );
    // The decision log links the decision to its item.
    expect((await get(handle(), '/decisions', people.ada)).html).toContain(
      `href="/roadmap/${item.id}"`,
    );
    // A decided proposal offers no decide-against page any more.
    expect((await get(handle(), `/roadmap/${item.id}/decline`, people.leader)).status).toBe(404);
  });

  it('adds an item through the form, with field messages and the input kept', async () => {
    const people = await seedPages(handle());
    const fb = await feedbackWithVoters(handle().db, people.ada.ctx, []);
    const form = await get(handle(), `/roadmap/new?feedback=${fb}`, people.barbara);
    expect(form.status).toBe(200);
    expect(form.html).toContain(fb);
    expect((await get(handle(), '/roadmap/new', people.ada)).status).toBe(403);
    const fields = {
      title: '',
      description: 'More runners',
      driver: 'developer-request',
      rationale: '',
      horizon: 'now',
      category: 'developer-experience',
      capability: '',
      feedback: `http://127.0.0.1:3000/feedback/${fb}\nnope`,
      status: 'proposed',
      commentDays: '',
    };
    const before = await countRows(handle().db, 'roadmap_items');
    const refused = await post(handle(), '/roadmap', fields, people.barbara);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('href="#field-title"');
    expect(refused.html).toContain('href="#field-rationale"');
    expect(refused.html).toContain('href="#field-feedback"');
    expect(refused.html).toContain('More runners');
    expect(await countRows(handle().db, 'roadmap_items')).toBe(before);
    // A security item cannot be planned by the platform team: said on the field, not as an error page.
    const security = await post(
      handle(),
      '/roadmap',
      {
        ...fields,
        title: 'Rotate keys',
        rationale: 'Audit.',
        feedback: fb,
        category: 'security',
        status: 'planned',
      },
      people.barbara,
    );
    expect(security.status).toBe(400);
    expect(security.html).toContain('Security decisions are made by leadership');
    const created = await post(
      handle(),
      '/roadmap',
      { ...fields, title: 'More runners', rationale: 'Queues are long.', feedback: fb },
      people.barbara,
    );
    expect(created.status).toBe(303);
    expect(created.location).toMatch(/^\/roadmap\/[^/]+\?done=created$/);
    const page = await get(handle(), created.location!, people.ada);
    expect(page.html).toContain('Added to the roadmap.');
    expect(page.html).toContain(`href="/feedback/${fb}"`);
  });

  it('ships from its confirmation page, then the changelog says what was done for whom', async () => {
    const people = await seedPages(handle());
    const { db } = handle();
    const fb = await feedbackWithVoters(db, people.ada.ctx, [people.alan.ctx], 'Builds are slow');
    const item = await createItem(db, people.barbara.ctx, {
      ...itemInput({ feedbackIds: [fb] }),
      status: 'in-progress',
    });
    const page = await get(handle(), `/roadmap/${item.id}/ship`, people.barbara);
    expect(page.status).toBe(200);
    expect(page.html).toContain('tells the 2 people who follow them');
    expect((await get(handle(), `/roadmap/${item.id}/ship`, people.ada)).status).toBe(403);
    const refused = await post(
      handle(),
      `/roadmap/${item.id}/ship`,
      { title: 'Cached builds', body: 'Twice as fast.', breaking: 'yes', effectiveOn: '' },
      people.barbara,
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('href="#field-effectiveOn"');
    expect(refused.html).toContain('Twice as fast.');
    const shipped = await post(
      handle(),
      `/roadmap/${item.id}/ship`,
      { title: 'Cached builds', body: 'Twice as **fast**.' },
      people.barbara,
    );
    expect(shipped).toMatchObject({ status: 303, location: `/roadmap/${item.id}?done=shipped` });
    const changelog = await get(handle(), '/changelog', people.ada);
    expect(changelog.status).toBe(200);
    expect(changelog.html).toContain('Cached builds');
    expect(changelog.html).toContain('Twice as <strong>fast</strong>.');
    expect(changelog.html).toContain('<strong>You said:</strong>');
    expect(changelog.html).toContain('Builds are slow');
    expect(changelog.html).toContain('aria-current="page">Roadmap');
    // The feed addresses carry Ada's key.
    expect(changelog.html).toMatch(/\/feeds\/changelog\.atom\?key=[A-Za-z0-9_-]+\.[0-9a-f]{64}/);
    expect((await get(handle(), `/roadmap/${item.id}/ship`, people.barbara)).status).toBe(404);
  });

  it('puts proposals waiting for a decision, the now column and the latest changes on the home page', async () => {
    const people = await seedPages(handle());
    const { db } = handle();
    const security = await propose(db, people.barbara.ctx, {
      title: 'Signed commits',
      category: 'security',
      driver: 'mandate',
    });
    await closeWindow(handle(), security.id);
    await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Retire Jenkins', driver: 'platform-health' }),
      status: 'proposed',
      commentDays: 3,
    });
    const now = await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Merge queue', horizon: 'now' }),
      status: 'in-progress',
    });
    const { shipItem } = await import('./service-status.ts');
    const later = await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Old' }),
      status: 'planned',
    });
    await shipItem(db, people.barbara.ctx, later.id, { title: 'Faster CI', body: 'Done.' });
    const leader = (await get(handle(), '/', people.leader)).html;
    expect(leader).toContain('1 proposal waits for your');
    expect(leader).toContain(`href="/roadmap/${security.id}">Signed commits</a>`);
    const developer = (await get(handle(), '/', people.ada)).html;
    expect(developer).not.toContain('waits for your');
    expect(developer).toContain('1 proposal is open for');
    expect(developer).toContain(`href="/roadmap/${now.id}">Merge queue</a>`);
    expect(developer).toContain('Faster CI</a>');
    // The platform team sees what closes for comment this week.
    expect((await get(handle(), '/', people.barbara)).html).toContain(
      'Closing for comment this week',
    );
  });
});
