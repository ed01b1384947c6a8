import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post } from '../capabilities/pages-testing.ts';
import { getCapabilityBySlug, ledgerState, listDecisions } from '../capabilities/store.ts';
import { getBeta, listBetas } from './betas-store.ts';
import { day, seedBetaUsers } from './betas-testing.ts';

describeEngines('beta pages', (handle) => {
  const form = (over: Record<string, string> = {}) => ({
    capability: 'preview-envs',
    startsOn: day(-7),
    reviewOn: day(50),
    targetTeams: '3',
    category: 'developer-experience',
    csat: 'yes',
    csatThreshold: '70',
    csatMinN: '5',
    stay: 'yes',
    stayThreshold: '2/3',
    stayWeeks: '6',
    problems: 'yes',
    ...over,
  });

  async function started() {
    const seed = await seedBetaUsers(handle());
    const res = await post(handle(), '/betas', form(), seed.users.barbara);
    expect(res.status).toBe(303);
    const [beta] = await listBetas(handle().db);
    expect(res.location).toBe(`/betas/${beta!.id}?done=started`);
    return { ...seed, id: beta!.id };
  }

  it('lists betas with teams against the target, the review date and the criteria in short', async () => {
    const { users, id } = await started();
    const page = await get(handle(), '/betas', users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Beta programs</h1>');
    expect(page.html).toContain(`<a href="/betas/${id}">Preview environments</a>`);
    expect(page.html).toContain('0 of 3');
    expect(page.html).toContain('1 of 3 met, 2 not yet measurable');
    // Only the platform team is offered the form.
    expect(page.html).not.toContain('href="/betas/new"');
    expect((await get(handle(), '/betas', users.barbara)).html).toContain('href="/betas/new"');
    expect((await get(handle(), '/betas/new', users.ada)).status).toBe(403);
  });

  it('keeps the input and names each field after a refused form', async () => {
    const seed = await seedBetaUsers(handle());
    const res = await post(
      handle(),
      '/betas',
      form({
        capability: 'feature-flags',
        stayThreshold: 'most',
        csatMinN: '0',
        reviewOn: day(-30),
      }),
      seed.users.barbara,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('There is a problem');
    expect(res.html).toContain('href="#field-stayThreshold"');
    // The form's own check runs first; the service's come after it is fixed.
    const again = await post(
      handle(),
      '/betas',
      form({ capability: 'feature-flags', csatMinN: '0', reviewOn: day(-30) }),
      seed.users.barbara,
    );
    expect(again.status).toBe(400);
    for (const field of ['capability', 'reviewOn', 'csatMinN']) {
      expect(again.html).toContain(`href="#field-${field}"`);
    }
    expect(again.html).toContain(
      'Feature flags is in stage ga; a beta program is only for a capability in beta.',
    );
    expect(again.html).toContain(`value="${day(-30)}"`);
    expect(again.html).toMatch(/<option value="feature-flags" selected/);
    expect(await countRows(handle().db, 'beta_programs')).toBe(0);
    const none = await post(
      handle(),
      '/betas',
      form({ csat: '', stay: '', problems: '' }),
      seed.users.barbara,
    );
    expect(none.status).toBe(400);
    expect(none.html).toContain('Choose at least one success criterion.');
  });

  it('joins with my team from the beta page, and leaves after a confirmation with a reason', async () => {
    const { users, id, teams, capabilityId } = await started();
    const page = await get(handle(), `/betas/${id}`, users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Beta: Preview environments</h1>');
    expect(page.html).toContain('Join this beta with my team');
    expect(page.html).toContain('No team has joined yet.');
    expect(page.html).toContain('No survey has closed yet.');
    const joined = await post(handle(), `/betas/${id}/join`, { team: 'payments' }, users.ada);
    expect(joined).toMatchObject({ status: 303, location: `/betas/${id}?done=joined` });
    expect((await ledgerState(handle().db, teams.payments, capabilityId)).state).toBe('trial');
    const after = await get(handle(), `/betas/${id}?done=joined`, users.ada);
    expect(after.html).toContain('Your team has joined the beta');
    expect(after.html).toContain('<a href="/teams/payments">Payments</a>');
    expect(after.html).toContain(`href="/betas/${id}/leave?team=payments"`);
    // Joining twice is refused on the page, with the reason in the summary.
    const twice = await post(handle(), `/betas/${id}/join`, { team: 'payments' }, users.ada);
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('There is a problem');

    const confirm = await get(handle(), `/betas/${id}/leave?team=payments`, users.ada);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Take Payments out of the Preview environments beta?</h1>');
    expect(confirm.html).toContain('<option value="too-slow">Too slow</option>');
    const missing = await post(
      handle(),
      `/betas/${id}/leave`,
      { team: 'payments', reason: '', alternative: '' },
      users.ada,
    );
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('href="#field-reason"');
    const left = await post(
      handle(),
      `/betas/${id}/leave`,
      { team: 'payments', reason: 'too-slow', reasonText: 'Slow previews', alternative: 'staging' },
      users.ada,
    );
    expect(left).toMatchObject({ status: 303, location: `/betas/${id}?done=left` });
    expect((await ledgerState(handle().db, teams.payments, capabilityId)).state).toBe('left');
    const moves = await get(handle(), `/betas/${id}`, users.ada);
    expect(moves.html).toContain('too-slow: Slow previews (uses staging instead)');
    // Alan is not in Payments: nothing for him to leave.
    expect((await get(handle(), `/betas/${id}/leave?team=payments`, users.alan)).status).toBe(404);
  });

  it('offers the review to the decider only, confirms it, and records it', async () => {
    const { users, id, capabilityId } = await started();
    expect((await get(handle(), `/betas/${id}`, users.ada)).html).not.toContain('Review this beta');
    expect((await get(handle(), `/betas/${id}/review`, users.leader)).status).toBe(403);
    const page = await get(handle(), `/betas/${id}`, users.barbara);
    expect(page.html).toContain('<h2 id="review">Review this beta</h2>');
    const confirm = await get(handle(), `/betas/${id}/review?outcome=graduate`, users.barbara);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Graduate Preview environments?</h1>');
    expect(confirm.html).toContain('becomes generally available');
    const empty = await post(
      handle(),
      `/betas/${id}/review`,
      { outcome: 'graduate', rationale: '' },
      users.barbara,
    );
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#field-rationale"');
    const iterate = await post(
      handle(),
      `/betas/${id}/review`,
      { outcome: 'iterate', rationale: 'One team so far.', nextReviewOn: day(-1) },
      users.barbara,
    );
    expect(iterate.status).toBe(400);
    expect(iterate.html).toContain('The next review must be after today.');
    expect(iterate.html).toContain('One team so far.');
    const done = await post(
      handle(),
      `/betas/${id}/review`,
      { outcome: 'graduate', rationale: 'Ready for everyone.' },
      users.barbara,
    );
    expect(done).toMatchObject({ status: 303, location: `/betas/${id}?done=graduated` });
    expect((await getBeta(handle().db, id))!.status).toBe('graduated');
    expect((await getCapabilityBySlug(handle().db, 'preview-envs'))!.stage).toBe('ga');
    const log = await listDecisions(handle().db, { capabilityId, limit: 5 });
    expect(log.items[0]).toMatchObject({
      kind: 'beta.graduated',
      rationale: 'Ready for everyone.',
    });
    const shown = await get(handle(), `/betas/${id}?done=graduated`, users.ada);
    expect(shown.html).toContain('Ready for everyone.');
    expect(shown.html).not.toContain('Join this beta');
  });

  it('escapes what people typed', async () => {
    const seed = await seedBetaUsers(handle());
    await post(
      handle(),
      '/betas',
      form({ notes: '<script>alert(1)</script>' }),
      seed.users.barbara,
    );
    const [beta] = await listBetas(handle().db);
    const page = await get(handle(), `/betas/${beta!.id}`, seed.users.ada);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
