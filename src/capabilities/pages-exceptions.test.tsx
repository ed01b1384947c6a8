import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { as, get, post, seedCatalog, teamId } from './pages-testing.ts';
import { getException, ledgerState, listDecisions, listExceptions } from './store.ts';

/** A date n days from today, as a date field holds it. */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describeEngines('exception pages', (handle) => {
  async function requested() {
    const seeded = await seedCatalog(handle());
    const res = await post(
      handle(),
      '/exceptions',
      {
        kind: 'exception',
        capability: 'secrets-vault',
        team: 'payments',
        justification: 'Our HSM already logs every read.',
        evidence: 'https://wiki.example.test/hsm-audit',
      },
      seeded.ada,
    );
    expect(res.status).toBe(303);
    const id = /^\/exceptions\/([^?]+)\?done=requested$/.exec(res.location ?? '')![1]!;
    return { ...seeded, id };
  }

  it('asks for an exception from a form that keeps its input when it is incomplete', async () => {
    const { ada } = await seedCatalog(handle());
    const form = await get(handle(), '/exceptions/new?capability=secrets-vault&team=payments', ada);
    expect(form.status).toBe(200);
    expect(form.html).toContain('<option value="secrets-vault" selected="">Secrets vault</option>');
    // Optional capabilities need no exception: only required ones are offered.
    expect(form.html).not.toContain('<option value="deploy-pipeline"');
    const wrong = await post(
      handle(),
      '/exceptions',
      { kind: 'exception', capability: 'secrets-vault', team: 'payments', evidence: 'a link' },
      ada,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('<a href="#field-justification">Say why the team needs this');
    expect(wrong.html).toContain('a link</textarea>');
    expect((await listExceptions(handle().db, { limit: 10 })).items).toEqual([]);
  });

  it('goes to the category’s decider: a wrong role gets no form and a forced decision is refused', async () => {
    const { id } = await requested();
    const platform = await as(handle(), 'platform');
    const page = await get(handle(), `/exceptions/${id}`, platform);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Exception for Secrets vault</h1>');
    expect(page.html).toContain('Leadership, for security');
    expect(page.html).toContain('Our HSM already logs every read.');
    expect(page.html).not.toContain('Decide this request');
    const forced = await post(
      handle(),
      `/exceptions/${id}/decision`,
      { outcome: 'approved', rationale: 'fine', expiresOn: inDays(90) },
      platform,
    );
    expect(forced.status).toBe(403);
    expect((await getException(handle().db, id))!.status).toBe('pending');
  });

  it('approves an exception with an expiry date and makes the team exempt', async () => {
    const { id, vault } = await requested();
    const leader = await as(handle(), 'leader');
    const page = await get(handle(), `/exceptions/${id}`, leader);
    expect(page.html).toContain('<h2 id="decide">Decide this request</h2>');
    const noDate = await post(
      handle(),
      `/exceptions/${id}/decision`,
      { outcome: 'approved', rationale: 'The HSM covers it.' },
      leader,
    );
    expect(noDate.status).toBe(400);
    expect(noDate.html).toContain(
      '<a href="#field-expiresOn">An approved exception needs an expiry date',
    );
    expect(noDate.html).toContain('The HSM covers it.</textarea>');
    const ok = await post(
      handle(),
      `/exceptions/${id}/decision`,
      { outcome: 'approved', rationale: 'The HSM covers it.', expiresOn: inDays(20) },
      leader,
    );
    expect(ok.status).toBe(303);
    const state = await ledgerState(handle().db, await teamId(handle(), 'payments'), vault.id);
    expect(state.state).toBe('exempt');
    const list = await get(handle(), '/exceptions', leader);
    expect(list.html).toContain('Exceptions ending within 30 days');
    expect(list.html).toMatch(/Approved exceptions that end soon[\s\S]*Exception: Secrets vault/);
    const team = await get(handle(), '/teams/payments', leader);
    expect(team.html).toContain('Required capabilities Payments is exempt from');
    expect((await get(handle(), `/exceptions/${id}`, leader)).html).toContain(
      'Revoke this exception',
    );
  });

  it('confirms a denial on its own page before recording it', async () => {
    const { id } = await requested();
    const leader = await as(handle(), 'leader');
    const confirm = await post(
      handle(),
      `/exceptions/${id}/decision`,
      { outcome: 'denied', rationale: 'Auditors need the vault log.' },
      leader,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Deny this request?</h1>');
    expect(confirm.html).toContain('The team must keep using Secrets vault.');
    expect(confirm.html).toContain('Auditors need the vault log.</textarea>');
    expect((await getException(handle().db, id))!.status).toBe('pending');
    const done = await post(
      handle(),
      `/exceptions/${id}/decision`,
      { outcome: 'denied', confirmed: 'yes', rationale: 'Auditors need the vault log.' },
      leader,
    );
    expect(done.status).toBe(303);
    expect((await getException(handle().db, id))!.status).toBe('denied');
  });

  it('lists what waits for a decision before what was decided, and filters by status', async () => {
    const { id } = await requested();
    const { html } = await get(handle(), '/exceptions', await as(handle(), 'leader'));
    expect(html.indexOf('<h2>Waiting for a decision</h2>')).toBeGreaterThan(-1);
    expect(html.indexOf('<h2>Waiting for a decision</h2>')).toBeLessThan(
      html.indexOf('<h2>Decided</h2>'),
    );
    expect(html).toContain(`href="/exceptions/${id}">Exception: Secrets vault</a>`);
    const denied = await get(handle(), '/exceptions?status=denied', await as(handle(), 'leader'));
    expect(denied.html).toContain('No request has this status.');
  });
});

describeEngines('decision pages', (handle) => {
  it('filters the decision log by category and capability', async () => {
    await seedCatalog(handle());
    const platform = await as(handle(), 'platform');
    const leader = await as(handle(), 'leader');
    await post(
      handle(),
      '/capabilities/deploy-pipeline/edit',
      { name: 'Deploy pipeline', summary: 's', stage: 'deprecated', rationale: 'Replaced.' },
      platform,
    );
    await post(
      handle(),
      '/capabilities/secrets-vault/mandate/lift',
      { rationale: 'The auditors accept env files now.' },
      leader,
    );
    expect((await listDecisions(handle().db, { limit: 10 })).items).toHaveLength(2);
    const all = await get(handle(), '/decisions', leader);
    expect(all.html).toContain('Replaced.');
    expect(all.html).toContain('The auditors accept env files now.');
    const security = await get(handle(), '/decisions?category=security', leader);
    expect(security.html).toContain('Secrets vault is no longer required');
    expect(security.html).not.toContain('Replaced.');
    const deploy = await get(handle(), '/decisions?capability=deploy-pipeline', leader);
    expect(deploy.html).toContain('Deploy pipeline: stage ga → deprecated');
    expect(deploy.html).not.toContain('no longer required');
    const bad = await get(handle(), '/decisions?category=nope', leader);
    expect(bad.status).toBe(400);
  });

  it('lets only admins change decision rights', async () => {
    await seedCatalog(handle());
    const leader = await as(handle(), 'leader');
    const admin = await as(handle(), 'admin');
    const read = await get(handle(), '/decision-rights', leader);
    expect(read.status).toBe(200);
    expect(read.html).toContain('Developer experience');
    expect(read.html).not.toContain('Change who decides');
    const forced = await post(
      handle(),
      '/decision-rights/security',
      { label: 'Security', deciderRole: 'platform' },
      leader,
    );
    expect(forced.status).toBe(403);

    const page = await get(handle(), '/decision-rights', admin);
    expect(page.html).toContain('<button type="submit">Save Security</button>');
    const empty = await post(
      handle(),
      '/decision-rights/security',
      { label: '', deciderRole: 'platform' },
      admin,
    );
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<a href="#field-security-label">Enter the category’s name.</a>');
    const ok = await post(
      handle(),
      '/decision-rights/security',
      { label: 'Security', deciderRole: 'platform' },
      admin,
    );
    expect(ok.status).toBe(303);
    const added = await post(
      handle(),
      '/decision-rights',
      { key: 'data-protection', label: 'Data protection', deciderRole: 'leader' },
      admin,
    );
    expect(added.status).toBe(303);
    const after = await get(handle(), '/decision-rights?done=saved', admin);
    expect(after.html).toContain('The decision rights are saved.');
    expect(after.html).toMatch(
      /Security<\/td><td><code>security<\/code><\/td><td>The platform team/,
    );
    expect(after.html).toContain('<code>data-protection</code>');
  });
});
