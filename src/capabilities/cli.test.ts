import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { run } from '../main.ts';

const MANDATE = {
  category: 'security',
  reason: 'SOC 2 access reviews need every sign-in to go through one place.',
  mitigation: 'One library per language, set up for you by the platform team.',
  reviewOn: '2027-06-30',
};

describeEngines('capabilities CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let people: Record<'ada' | 'barbara' | 'leader' | 'admin', TestUser>;

  beforeEach(async () => {
    server = await startTestServer(handle());
    await seedOrg(handle().db);
    people = {
      ada: await signIn(handle(), 'developer', 'ada.lovelace@example.test'),
      barbara: await signIn(handle(), 'platform', 'barbara.liskov@example.test'),
      leader: await signIn(handle(), 'leader', 'boss@example.test'),
      admin: await signIn(handle(), 'admin', 'root@example.test'),
    };
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Runs `paved …` as a user, against the test server. */
  async function paved(user: TestUser | null, args: string[], env: Record<string, string> = {}) {
    const io = captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: user?.token ?? '',
      HOME: '/nonexistent',
      ...env,
    });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  async function api(user: TestUser, method: string, path: string, body: unknown) {
    const res = await fetch(`${server!.url}/api/v1${path}`, {
      method,
      headers: { ...user.bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  }

  /** The catalog: an optional deploy pipeline and single sign-on, required by leadership. */
  async function catalog() {
    const add = await paved(people.barbara, [
      'capability',
      'add',
      '--slug',
      'deploy-pipeline',
      '--name',
      'Deploy pipeline',
      '--summary',
      'Build, test and deploy every service.',
      '--owner',
      'platform',
      '--docs',
      'https://docs.example.test/deploy',
    ]);
    expect(add).toMatchObject({ code: 0, stdout: '' });
    expect(add.stderr).toBe(
      'Added Deploy pipeline (deploy-pipeline) at stage ga, optional. See it with paved capability show deploy-pipeline.\n',
    );
    const sso = await paved(people.barbara, [
      'capability',
      'add',
      '--slug',
      'sso',
      '--name',
      'Single sign-on',
      '--summary',
      'One sign-in for every internal tool.',
      '--stage',
      'beta',
      '--json',
    ]);
    expect(sso.code).toBe(0);
    expect(JSON.parse(sso.stdout)).toMatchObject({ slug: 'sso', stage: 'beta' });
    await api(people.leader, 'PUT', '/capabilities/sso/mandate', MANDATE);
  }

  const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

  it('lists and shows capabilities, the mandate first, as text and as JSON', async () => {
    await catalog();
    const list = await paved(people.ada, ['capability', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Slug\s+Name\s+Stage\s+Obligation\s+Owner$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['deploy-pipeline', 'sso']);
    expect(lines[2]).toMatch(/^sso\s+Single sign-on\s+beta\s+mandatory$/);
    expect(fits80(list.stdout)).toBe(true);

    const json = await paved(people.ada, [
      'capability',
      'list',
      '--obligation',
      'mandatory',
      '--json',
    ]);
    expect(JSON.parse(json.stdout).map((c: { slug: string }) => c.slug)).toEqual(['sso']);

    const show = await paved(people.ada, ['capability', 'show', 'sso']);
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(fits80(show.stdout)).toBe(true);
    const text = show.stdout.replace(/\s+/g, ' ');
    const order = [
      'Single sign-on (sso)',
      'Why this is required',
      MANDATE.reason,
      'Who required it',
      'Security — leadership decides this, and rules on exceptions to it. Next review 30 Jun 2027.',
      'What we are doing about the cost to you',
      'Stage: beta',
      'Teams by state',
      'none 4 · trial 0 · adopted 0',
      'Exception requests',
    ].map((part) => text.indexOf(part));
    expect(
      order.every((i) => i >= 0),
      show.stdout,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const showJson = await paved(people.ada, ['capability', 'show', 'sso', '--json']);
    expect(JSON.parse(showJson.stdout)).toMatchObject({
      slug: 'sso',
      obligation: 'mandatory',
      mandate: { category: 'security', deciderRole: 'leader', reason: MANDATE.reason },
      adoption: { none: 4 },
    });

    const optional = await paved(people.ada, ['capability', 'show', 'deploy-pipeline']);
    expect(optional.stdout).not.toContain('Why this is required');
    expect(optional.stdout).toContain('Docs:       https://docs.example.test/deploy');

    const figures = await paved(people.ada, [
      'capability',
      'show',
      'deploy-pipeline',
      '--period',
      '2026-Q4',
    ]);
    expect(figures.code).toBe(0);
    expect(figures.stdout).toContain('Figures for 2026-Q4');
    expect(figures.stdout).toContain('Opt-in rate:');
    const figuresJson = await paved(people.ada, [
      'capability',
      'show',
      'deploy-pipeline',
      '--period',
      '2026-11',
      '--json',
    ]);
    expect(JSON.parse(figuresJson.stdout).figures.period.key).toBe('2026-11');
  });

  it('adopts, tries and leaves for a team, refusing what is not allowed', async () => {
    await catalog();
    const adopt = await paved(people.ada, [
      'capability',
      'adopt',
      'deploy-pipeline',
      '--team',
      'payments',
    ]);
    expect(adopt).toMatchObject({ code: 0, stdout: '' });
    expect(adopt.stderr).toBe('payments now uses deploy-pipeline (was none).\n');

    const trial = await paved(people.barbara, [
      'capability',
      'trial',
      'deploy-pipeline',
      '--team',
      'checkout',
      '--json',
    ]);
    expect(trial.code).toBe(0);
    expect(JSON.parse(trial.stdout)).toMatchObject({
      team: 'checkout',
      from: 'none',
      to: 'trial',
      onBehalf: true,
    });

    const leave = await paved(people.ada, [
      'capability',
      'leave',
      'deploy-pipeline',
      '--team',
      'payments',
      '--reason',
      'too-slow',
      '--alternative',
      'Our own scripts',
      '--reason-text',
      'Builds take 20 minutes.',
    ]);
    expect(leave).toMatchObject({ code: 0, stdout: '' });
    expect(leave.stderr).toBe('payments now left deploy-pipeline (was adopted).\n');
    const events = await handle().db.selectFrom('adoption_events').selectAll().execute();
    expect(events).toHaveLength(2 + 0 + 1);

    // Refusals from the API: exit 1, one line that says what to do instead.
    const mandatory = await paved(people.ada, [
      'capability',
      'opt-out',
      'sso',
      '--team',
      'payments',
      '--reason',
      'too-slow',
      '--alternative',
      'Passwords',
    ]);
    expect(mandatory).toMatchObject({ code: 1, stdout: '' });
    expect(mandatory.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(mandatory.stderr).toMatch(/^paved: .*Request an exception instead/);
    const other = await paved(people.ada, ['capability', 'adopt', 'sso', '--team', 'platform']);
    expect(other.code).toBe(1);
    expect(other.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(other.stderr).toContain('your own team and its sub-teams');
    const unknown = await paved(people.ada, ['capability', 'show', 'nope']);
    expect(unknown).toMatchObject({
      code: 1,
      stderr:
        'paved: There is no capability "nope". Check the id or name (the list commands show them).\n',
    });
    expect(await handle().db.selectFrom('adoption_events').selectAll().execute()).toHaveLength(3);

    const reasons = await paved(people.ada, ['capability', 'reasons']);
    expect(reasons.stdout).toMatch(/^too-slow\s+Too slow$/m);
  });

  it('exits 2 on bad usage without calling the API', async () => {
    const cases = [
      ['capability', 'frobnicate'],
      ['capability', 'list', '--stage', 'someday'],
      ['capability', 'show'],
      ['capability', 'show', 'sso', '--period', 'Q4'],
      ['capability', 'leave', 'sso', '--team', 'payments', '--reason', 'too-slow'],
      ['capability', 'adopt', 'sso'],
      ['exception', 'decide', 'abc', '--outcome', 'maybe', '--rationale', 'x'],
      [
        'exception',
        'decide',
        'abc',
        '--outcome',
        'approved',
        '--rationale',
        'x',
        '--expires',
        '2027-13-01',
      ],
      ['exception', 'list', '--status', 'open'],
      ['decision-rights', 'set', 'cost', '--decider', 'everyone'],
    ];
    for (const args of cases) {
      const res = await paved(people.ada, args);
      expect([args.join(' '), res.code]).toEqual([args.join(' '), 2]);
      expect(res.stderr).not.toBe('');
      expect(res.stdout).toBe('');
    }
    const noLogin = await paved(null, ['capability', 'list'], { PAVED_URL: '' });
    expect(noLogin.code).toBe(1);
    expect(noLogin.stderr).toContain('paved login');
  });

  it('requests and decides exceptions, lists them and the decision log', async () => {
    await catalog();
    const request = await paved(people.ada, [
      'exception',
      'request',
      'sso',
      '--team',
      'payments',
      '--justification',
      'Our on-call tool cannot use SSO until its next release.',
      '--evidence',
      'https://vendor.example.test/roadmap',
    ]);
    expect(request.code).toBe(0);
    const id = request.stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(request.stderr).toBe(
      `Asked for an exception to sso for payments: request ${id}, pending. Leadership decides; follow it with paved exception list --team payments.\n`,
    );
    const challenge = await paved(people.ada, [
      'exception',
      'request',
      'sso',
      '--team',
      'checkout',
      '--justification',
      'Our approach is faster.',
      '--policy-change',
      '--json',
    ]);
    expect(JSON.parse(challenge.stdout)).toMatchObject({ kind: 'policy-change', team: 'checkout' });

    const decide = (user: TestUser, extra: string[]) =>
      paved(user, [
        'exception',
        'decide',
        id,
        '--rationale',
        'Until the vendor ships SSO.',
        ...extra,
      ]);
    const wrongRole = await decide(people.barbara, [
      '--outcome',
      'approved',
      '--expires',
      '2099-01-31',
    ]);
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(wrongRole.stderr).toContain('Security requests are decided by leadership');
    const noExpiry = await decide(people.leader, ['--outcome', 'approved']);
    expect(noExpiry.code).toBe(1);
    expect(noExpiry.stderr).toContain('expiry date');
    const approved = await decide(people.leader, [
      '--outcome',
      'approved',
      '--expires',
      '2099-01-31',
    ]);
    expect(approved).toMatchObject({ code: 0, stdout: '' });
    expect(approved.stderr).toBe(
      `Request ${id} approved until 31 Jan 2099: payments is exempt from sso. It is in the decision log.\n`,
    );

    const list = await paved(people.ada, ['exception', 'list']);
    expect(list.code).toBe(0);
    expect(fits80(list.stdout)).toBe(true);
    const rows = list.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+Capability\s+Team\s+Kind\s+Status\s+Date$/);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.startsWith(`${id}  `))).toMatch(
      /\ssso\s+payments\s+exception\s+approved\s+ends 31 Jan 2099$/,
    );
    expect(rows.find((r) => !r.startsWith(id) && r !== rows[0])).toMatch(
      /\ssso\s+checkout\s+policy\s+pending\s+asked \d+ \w{3} \d{4}$/,
    );
    const pending = await paved(people.ada, ['exception', 'list', '--status', 'pending', '--json']);
    expect(JSON.parse(pending.stdout)).toMatchObject([
      { kind: 'policy-change', status: 'pending', deciderRole: 'leader' },
    ]);

    const log = await paved(people.ada, ['decision', 'list', '--category', 'security']);
    expect(log.code).toBe(0);
    const logLines = log.stdout.trimEnd().split('\n');
    expect(logLines[0]).toMatch(/^Date\s+Category\s+Decided by\s+Decision$/);
    expect(logLines[1]).toMatch(/security\s+Test leader\s+Exception for Single sign-on approved/);
    expect(logLines).toHaveLength(3);
    const logJson = await paved(people.ada, ['decision', 'list', '--capability', 'sso', '--json']);
    expect(JSON.parse(logJson.stdout).map((d: { kind: string }) => d.kind)).toEqual([
      'exception.decided',
      'mandate.recorded',
    ]);
    const none = await paved(people.ada, ['decision', 'list', '--category', 'cost']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toContain('No decisions match');
  });

  it('shows and sets decision rights (admins only)', async () => {
    const show = await paved(people.ada, ['decision-rights', 'show']);
    expect(show.stdout).toMatch(/^security\s+Security\s+Leadership$/m);
    expect(show.stdout).toMatch(/^reliability\s+Reliability\s+The platform team$/m);
    const refused = await paved(people.ada, [
      'decision-rights',
      'set',
      'cost',
      '--decider',
      'platform',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Run paved whoami to see your role; an admin can change it.');
    const set = await paved(people.admin, [
      'decision-rights',
      'set',
      'cost',
      '--decider',
      'platform',
    ]);
    expect(set).toMatchObject({
      code: 0,
      stderr: 'Cost (cost) is now decided by the platform team.\n',
    });
    const fresh = await paved(people.admin, [
      'decision-rights',
      'set',
      'accessibility',
      '--decider',
      'platform',
    ]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain('--label');
    const json = await paved(people.admin, [
      'decision-rights',
      'set',
      'accessibility',
      '--decider',
      'platform',
      '--label',
      'Accessibility',
      '--json',
    ]);
    expect(JSON.parse(json.stdout).at(-1)).toEqual({
      key: 'accessibility',
      label: 'Accessibility',
      deciderRole: 'platform',
    });
  });

  it('ends exceptions past their expiry with the operator command', async () => {
    await catalog();
    const created = await api(people.ada, 'POST', '/exceptions', {
      capability: 'sso',
      team: 'payments',
      justification: 'Migration in progress.',
    });
    await api(people.leader, 'POST', `/exceptions/${created.id}/decision`, {
      outcome: 'approved',
      rationale: 'Short window.',
      expiresOn: '2099-01-31',
    });
    const operator = { PAVED_DATABASE_URL: handle().url };
    const nothing = await paved(null, ['exception', 'expire'], operator);
    expect(nothing).toMatchObject({
      code: 0,
      stderr: 'No approved exception has passed its expiry date; nothing changed.\n',
    });
    await handle()
      .db.updateTable('exceptions')
      .set({ expires_on: '2020-01-01' })
      .where('id', '=', created.id as string)
      .execute();
    const ended = await paved(null, ['exception', 'expire'], operator);
    expect(ended).toMatchObject({
      code: 0,
      stderr: 'Ended 1 exception past its expiry date; that team is back to none.\n',
    });
    const states = await paved(people.ada, ['capability', 'show', 'sso', '--json']);
    expect(JSON.parse(states.stdout).adoption).toMatchObject({ none: 4, exempt: 0 });
    expect(JSON.parse(states.stdout).exceptions).toMatchObject({ expired: 1 });
  });
});
