import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { buildTeam, seedOrg, smallOrg } from '../../test/factories.ts';
import { addCapability, teamId } from '../capabilities/pages-testing.ts';
import { appendEvent } from '../capabilities/store.ts';
import { setSetting } from '../core/settings.ts';
import { demoMarker } from '../demo/model.ts';

describeEngines('org pages', (handle) => {
  async function page(path: string) {
    const { cookie } = await signIn(handle());
    const res = await testApp(handle()).request(path, { headers: cookie });
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  it('shows the team tree with nested lists and links', async () => {
    await seedOrg(handle().db);
    const { status, html } = await page('/teams');
    expect(status).toBe(200);
    expect(html).toContain('<title>Teams — paved</title>');
    expect(html.match(/<h1>/g)).toHaveLength(1);
    // Payments is nested under Engineering, Checkout under Payments.
    expect(html).toMatch(
      /<a href="\/teams\/engineering">Engineering<\/a>.*<ul class="tree"><li><a href="\/teams\/payments">Payments<\/a>.*<a href="\/teams\/checkout">Checkout<\/a>/s,
    );
    // Teams sit under Home in the main navigation and are linked from every footer.
    expect(html).toContain('<a href="/" aria-current="page">Home</a>');
    expect(html).toContain('<a href="/teams">Teams</a>');
  });

  it('shows a team with its people, sub-teams and services', async () => {
    await seedOrg(handle().db);
    const { html } = await page('/teams/payments');
    expect(html).toContain('<h1>Payments</h1>');
    expect(html).toContain('Part of <a href="/teams/engineering">Engineering</a>');
    expect(html).toMatch(
      /<caption id="table-[0-9a-f]+-caption">People in Payments \(2\)<\/caption>/,
    );
    expect(html).toContain('<time datetime="2024-03-01"');
    expect(html).toContain('1 Mar 2024');
    expect(html).toContain('<th scope="col" class="num">People</th>');
  });

  it('escapes names from the catalog', async () => {
    const org = smallOrg();
    org.teams.push(
      buildTeam({
        name: 'Evil',
        ref: 'group:default/evil',
        description: '<script>alert(1)</script>',
      }),
    );
    await seedOrg(handle().db, org);
    const { html } = await page('/teams/evil');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers an unknown team with an HTML 404 page', async () => {
    const { status, html, headers } = await page('/teams/nope');
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('There is no team &quot;nope&quot;.');
  });

  it('labels every page of a demo database as demo data', async () => {
    expect((await page('/')).html).not.toContain('Demo organisation.');
    await setSetting(handle().db, demoMarker, { seed: 1, size: 'small', createdAt: '2026-11-01' });
    for (const path of ['/', '/teams']) {
      expect((await page(path)).html).toContain('<strong>Demo organisation.</strong>');
    }
  });

  it('offers the import commands when there are no teams', async () => {
    const { html } = await page('/teams');
    expect(html).toContain('No teams yet.');
    expect(html).toContain('<code>paved import backstage</code>');
  });

  it('sends a visitor who is not signed in to the sign-in page and back', async () => {
    const res = await testApp(handle()).request('/teams/payments');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fteams%2Fpayments');
  });

  it('sends the security headers on pages, and no-store for signed-in pages', async () => {
    const { headers } = await page('/');
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('same-origin');
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('shows what the team uses, has left and why, and the mandates that apply with their why', async () => {
    await seedOrg(handle().db);
    const deploy = await addCapability(handle(), {
      slug: 'deploy-pipeline',
      name: 'Deploy pipeline',
    });
    const search = await addCapability(handle(), { slug: 'log-search', name: 'Log search' });
    await addCapability(handle(), {
      slug: 'secrets-vault',
      name: 'Secrets vault',
      mandate: {
        category: 'security',
        reason: 'SOC 2 access reviews need every secret read to be logged.',
        mitigation: 'We migrate your secrets for you.',
      },
    });
    const payments = await teamId(handle(), 'payments');
    const event = (
      capabilityId: string,
      seq: number,
      from: 'none' | 'adopted',
      to: 'adopted' | 'left',
    ) =>
      appendEvent(handle().db, {
        teamId: payments,
        capabilityId,
        seq,
        from,
        to,
        reason: to === 'left' ? 'too-slow' : null,
        reasonText: null,
        alternative: to === 'left' ? 'GitHub Actions' : null,
        actorId: null,
        onBehalf: false,
        exceptionId: null,
      });
    await event(deploy.id, 1, 'none', 'adopted');
    await event(search.id, 1, 'none', 'adopted');
    await event(search.id, 2, 'adopted', 'left');
    const { html } = await page('/teams/payments');
    expect(html).toContain('<h2 id="team-uses">What this team uses</h2>');
    expect(html).toMatch(
      /Capabilities Payments uses<\/caption>[\s\S]*Deploy pipeline[\s\S]*Adopted/,
    );
    expect(html).toMatch(
      /Capabilities Payments left or opted out of<\/caption>[\s\S]*Log search[\s\S]*Too slow[\s\S]*GitHub Actions/,
    );
    expect(html).toMatch(
      /Required of Payments, and why<\/caption>[\s\S]*Secrets vault[\s\S]*SOC 2 access reviews need every secret read to be logged\.[\s\S]*Security[\s\S]*Not using/,
    );
  });

  it('says what would fill the section when the team has chosen nothing', async () => {
    await seedOrg(handle().db);
    const { html } = await page('/teams/checkout');
    expect(html).toContain('Checkout has not recorded using any capability yet.');
    expect(html).toContain('Nothing is required of Checkout');
  });
});
