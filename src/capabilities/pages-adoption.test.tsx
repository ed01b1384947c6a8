import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { as, get, post, seedCatalog, teamId } from './pages-testing.ts';
import { ledgerState, listEvents } from './store.ts';

describeEngines('change a team’s adoption', (handle) => {
  async function adopted() {
    const seeded = await seedCatalog(handle());
    await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'payments', to: 'adopted' },
      seeded.ada,
    );
    return seeded;
  }

  it('confirms leaving on a page that states the consequence, then records the reason and alternative', async () => {
    const { ada, deploy } = await adopted();
    const confirm = await get(
      handle(),
      '/capabilities/deploy-pipeline/adoption?team=payments&to=left',
      ada,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Leave Deploy pipeline?</h1>');
    expect(confirm.html).toContain('counts as one that migrated back');
    expect(confirm.html).toContain('Adopted → Left');
    expect(confirm.html).toContain('<option value="too-slow">Too slow</option>');
    expect(confirm.html).toMatch(
      /<button type="submit" class="danger">Leave Deploy pipeline<\/button>/,
    );
    expect(confirm.html).toContain('name="_csrf"');

    const res = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      {
        team: 'payments',
        to: 'left',
        reason: 'too-slow',
        reasonText: 'Builds take 40 minutes.',
        alternative: 'GitHub Actions',
      },
      ada,
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe('/capabilities/deploy-pipeline?done=left');
    const [event] = (await listEvents(handle().db, { capabilityId: deploy.id, limit: 1 })).items;
    expect(event).toMatchObject({
      from: 'adopted',
      to: 'left',
      reason: 'too-slow',
      reasonText: 'Builds take 40 minutes.',
      alternative: 'GitHub Actions',
      actorId: ada.user.id,
      onBehalf: false,
    });
  });

  it('keeps the input and says what is missing when leaving without an alternative', async () => {
    const { ada, deploy } = await adopted();
    const res = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'payments', to: 'left', reason: 'hard-to-use', reasonText: 'Too many knobs.' },
      ada,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('<a href="#field-alternative">Say what the team uses instead');
    expect(res.html).toContain('id="field-alternative"');
    expect(res.html).toContain('<option value="hard-to-use" selected="">Hard to use</option>');
    expect(res.html).toContain('Too many knobs.</textarea>');
    const state = await ledgerState(handle().db, await teamId(handle(), 'payments'), deploy.id);
    expect(state.state).toBe('adopted');
  });

  it('does not offer leaving a mandatory capability, and a forced post writes nothing', async () => {
    const { ada, vault } = await seedCatalog(handle());
    await post(
      handle(),
      '/capabilities/secrets-vault/adoption',
      { team: 'payments', to: 'adopted' },
      ada,
    );
    const page = await get(
      handle(),
      '/capabilities/secrets-vault/adoption?team=payments&to=left',
      ada,
    );
    expect(page.html).toContain('<h1>Secrets vault is required</h1>');
    expect(page.html).not.toContain('<form method="post"');
    expect(page.html).toContain('Request an exception');

    const before = (await listEvents(handle().db, { capabilityId: vault.id, limit: 10 })).items;
    const forced = await post(
      handle(),
      '/capabilities/secrets-vault/adoption',
      { team: 'payments', to: 'left', reason: 'too-slow', alternative: 'env files' },
      ada,
    );
    expect(forced.status).toBe(400);
    expect(forced.html).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(forced.html).toContain(
      '<a href="#field-to">This capability is mandatory, so a team cannot leave it. Request an exception instead, or challenge the policy.</a>',
    );
    expect(forced.html).toContain('id="field-to"');
    expect(forced.html).toContain('value="env files"');
    const after = (await listEvents(handle().db, { capabilityId: vault.id, limit: 10 })).items;
    expect(after).toEqual(before);
  });

  it('refuses a team the viewer does not belong to, and lets the platform act on its behalf', async () => {
    const { ada, deploy } = await seedCatalog(handle());
    const forced = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'platform', to: 'adopted' },
      ada,
    );
    expect(forced.status).toBe(403);
    expect((await listEvents(handle().db, { capabilityId: deploy.id, limit: 10 })).items).toEqual(
      [],
    );

    // Ada's form offers her team and the team within it, nothing else.
    const form = await get(handle(), '/capabilities/deploy-pipeline/adoption?to=trial', ada);
    expect(form.html).toContain('<option value="payments" selected="">Payments</option>');
    expect(form.html).toContain('<option value="checkout">Checkout</option>');
    expect(form.html).not.toContain('<option value="platform"');

    const platform = await as(handle(), 'platform');
    const choose = await get(handle(), '/capabilities/deploy-pipeline/adoption', platform);
    expect(choose.html).toContain(
      '<form method="get" action="/capabilities/deploy-pipeline/adoption"',
    );
    expect(choose.html).toContain('<option value="platform">Platform</option>');
    const res = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'checkout', to: 'trial' },
      platform,
    );
    expect(res.status).toBe(303);
    const [event] = (await listEvents(handle().db, { capabilityId: deploy.id, limit: 1 })).items;
    expect(event).toMatchObject({ to: 'trial', onBehalf: true, actorId: platform.user.id });
    const history = (await get(handle(), '/capabilities/deploy-pipeline', platform)).html;
    expect(history).toContain('Test platform, for the team');
  });

  it('says why an illegal move is refused, in the error summary', async () => {
    const { ada } = await adopted();
    const res = await post(
      handle(),
      '/capabilities/deploy-pipeline/adoption',
      { team: 'payments', to: 'opted-out', reason: 'cost', alternative: 'none' },
      ada,
    );
    expect(res.status).toBe(400);
    // The service's own words, which also say what the team can do instead.
    expect(res.html).toMatch(
      /<a href="#field-to">A team in &quot;adopted&quot; cannot move to &quot;opted-out&quot;\. From &quot;adopted&quot; it can move to: [^<]*left/,
    );
  });

  it('explains that an account without a team cannot change adoption', async () => {
    await seedCatalog(handle());
    const loner = await as(handle(), 'developer');
    const { status, html } = await get(
      handle(),
      '/capabilities/deploy-pipeline/adoption?to=adopted',
      loner,
    );
    expect(status).toBe(200);
    expect(html).toContain('your account is not in a team');
    expect(html).not.toContain('<form method="post"');
  });
});
