import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { addCapability, as, get, post, seedCatalog } from './pages-testing.ts';
import { getCapabilityBySlug, listDecisions } from './store.ts';

describeEngines('capability catalog pages', (handle) => {
  it('lists every capability with its stage, whether it is required and why, and your team’s state', async () => {
    const { ada } = await seedCatalog(handle());
    const { status, html } = await get(handle(), '/capabilities', ada);
    expect(status).toBe(200);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<a href="/capabilities" aria-current="page">Capabilities</a>');
    expect(html).toContain('<a href="/capabilities/deploy-pipeline">Deploy pipeline</a>');
    expect(html).toContain('Generally available');
    expect(html).toContain(
      '<span class="status">Required</span> SOC 2 access reviews need every secret read to be logged.',
    );
    expect(html).toContain('Your team (Payments)');
    expect(html).toContain('<span class="status">Not using</span>');
    // A developer does not curate the catalog.
    expect(html).not.toContain('Add a capability');
  });

  it('filters by obligation and stage, and says when nothing matches', async () => {
    const { ada } = await seedCatalog(handle());
    await addCapability(handle(), {
      slug: 'preview-envs',
      name: 'Preview environments',
      stage: 'beta',
    });
    const required = await get(handle(), '/capabilities?obligation=mandatory', ada);
    expect(required.html).toContain('Secrets vault');
    expect(required.html).not.toContain('Deploy pipeline');
    const beta = await get(handle(), '/capabilities?stage=beta', ada);
    expect(beta.html).toContain('Preview environments');
    expect(beta.html).not.toContain('Secrets vault');
    const none = await get(handle(), '/capabilities?stage=retired', ada);
    expect(none.html).toContain('No capability matches these filters.');
    const bad = await get(handle(), '/capabilities?stage=nonsense', ada);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#field-stage">Choose a stage from the list.</a>');
  });

  it('sorts by links that need no script', async () => {
    const { ada } = await seedCatalog(handle());
    const { html } = await get(handle(), '/capabilities?sort=name&dir=desc', ada);
    expect(html.indexOf('Secrets vault')).toBeLessThan(html.indexOf('Deploy pipeline'));
    expect(html).toContain('aria-sort="descending"');
  });

  it('offers the empty catalog’s action to the platform team', async () => {
    const platform = await as(handle(), 'platform');
    const { html } = await get(handle(), '/capabilities', platform);
    expect(html).toContain('The catalog is empty.');
    expect(html).toContain('<a href="/capabilities/new">add the first capability</a>');
  });

  it('adds a capability from the form, as optional, and keeps the input when the form is wrong', async () => {
    await seedCatalog(handle());
    const platform = await as(handle(), 'platform');
    const page = await get(handle(), '/capabilities/new', platform);
    expect(page.html).toContain('A new capability starts as optional.');
    const wrong = await post(
      handle(),
      '/capabilities',
      { slug: 'Bad Slug', name: 'Log search', summary: '', stage: 'beta', docsUrl: 'ftp://x' },
      platform,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(wrong.html).toContain('href="#field-slug"');
    expect(wrong.html).toContain('href="#field-summary"');
    expect(wrong.html).toContain('href="#field-docsUrl"');
    expect(wrong.html).toContain('value="Log search"');
    expect(wrong.html).toContain('value="Bad Slug"');
    expect(await getCapabilityBySlug(handle().db, 'log-search')).toBeUndefined();

    const taken = await post(
      handle(),
      '/capabilities',
      { slug: 'deploy-pipeline', name: 'Again', summary: 'x', stage: 'ga' },
      platform,
    );
    expect(taken.status).toBe(400);
    expect(taken.html).toContain('There is already a capability');

    const ok = await post(
      handle(),
      '/capabilities',
      {
        slug: 'log-search',
        name: 'Log search',
        summary: 'Search every log line.',
        stage: 'beta',
        ownerTeam: 'platform',
      },
      platform,
    );
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/capabilities/log-search?done=created');
    const created = await getCapabilityBySlug(handle().db, 'log-search');
    expect(created).toMatchObject({ obligation: 'optional', stage: 'beta' });
  });

  it('keeps adding and editing to the platform team', async () => {
    const { ada } = await seedCatalog(handle());
    expect((await get(handle(), '/capabilities/new', ada)).status).toBe(403);
    expect((await get(handle(), '/capabilities/deploy-pipeline/edit', ada)).status).toBe(403);
    const forced = await post(
      handle(),
      '/capabilities',
      { slug: 'x', name: 'X', summary: 'x', stage: 'ga' },
      ada,
    );
    expect(forced.status).toBe(403);
    expect(await getCapabilityBySlug(handle().db, 'x')).toBeUndefined();
  });

  it('changes the stage only with a rationale, and logs the decision', async () => {
    const { deploy } = await seedCatalog(handle());
    const platform = await as(handle(), 'platform');
    const fields = {
      name: 'Deploy pipeline',
      summary: deploy.summary,
      ownerTeam: 'platform',
      stage: 'deprecated',
    };
    const missing = await post(handle(), '/capabilities/deploy-pipeline/edit', fields, platform);
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('<a href="#field-rationale">Say why the stage changes');
    expect(missing.html).toContain('<option value="deprecated" selected="">Deprecated</option>');
    expect((await getCapabilityBySlug(handle().db, 'deploy-pipeline'))!.stage).toBe('ga');
    const ok = await post(
      handle(),
      '/capabilities/deploy-pipeline/edit',
      { ...fields, rationale: 'Replaced by the new delivery service.' },
      platform,
    );
    expect(ok.status).toBe(303);
    expect((await getCapabilityBySlug(handle().db, 'deploy-pipeline'))!.stage).toBe('deprecated');
    const log = await listDecisions(handle().db, { limit: 10 });
    expect(log.items[0]).toMatchObject({
      kind: 'stage.changed',
      rationale: 'Replaced by the new delivery service.',
    });
  });

  it('escapes what people typed', async () => {
    const { ada } = await seedCatalog(handle());
    await addCapability(handle(), {
      slug: 'evil',
      name: 'Evil <b>tool</b>',
      summary: '<script>alert(1)</script>',
      mandate: {
        category: 'security',
        reason: '<script>alert(2)</script>',
        mitigation: '<img src=x onerror=alert(3)>',
      },
    });
    for (const path of ['/capabilities', '/capabilities/evil']) {
      const { html } = await get(handle(), path, ada);
      expect(html, path).not.toMatch(/<script>alert|<img src=x|<b>tool/);
      expect(html, path).toContain('Evil &lt;b&gt;tool&lt;/b&gt;');
    }
    const page = (await get(handle(), '/capabilities/evil', ada)).html;
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(3)&gt;');
  });
});
