import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/log.ts';
import { run } from '../main.ts';
import { createDeps, startServer } from '../server.ts';
import {
  addCapability,
  adopt,
  deploy,
  incident,
  milestone,
  unplanned,
  writeEvents,
} from './figures-testing.ts';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
const monthsAgo = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 15, 12)).toISOString();
};

describeEngines('figures CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let ada: TestUser;
  let barbara: TestUser;

  beforeEach(async () => {
    const config = loadConfig({ PAVED_PORT: '0', PAVED_SECRET: 'x'.repeat(32) });
    server = await startServer(createDeps(handle(), config, createLogger('silent')));
    await seedOrg(handle().db);
    ada = await signIn(handle(), 'developer', 'ada.lovelace@example.test');
    barbara = await signIn(handle(), 'platform', 'barbara.liskov@example.test');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(user: TestUser, args: string[]) {
    const io = captureIo({ PAVED_URL: server!.url, PAVED_TOKEN: user.token, HOME: '/nonexistent' });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

  async function ids() {
    const teams = await handle().db.selectFrom('teams').select(['id', 'slug']).execute();
    const people = await handle().db.selectFrom('people').select(['id', 'name']).execute();
    return {
      team: Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>,
      person: Object.fromEntries(people.map((p) => [p.name, p.id])) as Record<string, string>,
    };
  }

  it('prints onboarding cohorts in 80 columns, hidden groups without numbers, and yours to you', async () => {
    const { person } = await ids();
    await writeEvents(handle(), [
      milestone(person['Ada Lovelace']!, 'first_deploy', '2024-03-04T00:00:00Z'),
      milestone(person['Grace Hopper']!, 'first_deploy', '2026-10-05T00:00:00Z'),
    ]);
    const out = await paved(ada, ['figures', 'onboarding', '--since', '2026-01']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain('You (only you see this): first deploy after 3 days;');
    expect(out.stdout).toContain('Days to first deploy, by the month people started');
    expect(out.stdout).toMatch(/Oct 2026 +hidden/);
    expect(out.stdout).not.toContain('Grace');
    expect(widest(out.stdout)).toBeLessThanOrEqual(80);
    const json = await paved(ada, ['figures', 'onboarding', '--json', '--milestone', 'first_pr']);
    expect(JSON.parse(json.stdout).milestones).toHaveLength(3);
    const bad = await paved(ada, ['figures', 'onboarding', '--since', 'January']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('--since January: give a month like 2026-01.');
  });

  it('prints delivery per team, for one team, and refuses bad windows and unknown teams', async () => {
    const { team } = await ids();
    await writeEvents(handle(), [
      deploy(team.payments!, daysAgo(2), { id: 'p-1', leadHours: [3] }),
      deploy(team.checkout!, daysAgo(3), { leadHours: [5] }),
    ]);
    const source = (
      await handle().db.selectFrom('signal_sources').select('id').executeTakeFirstOrThrow()
    ).id;
    await writeEvents(handle(), [
      incident(team.payments!, daysAgo(2), { deploy: 'p-1', sourceId: source }),
    ]);
    const out = await paved(ada, ['figures', 'delivery']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/\nLead time {12}4 hours \(median of 2 changes\)\n/);
    expect(out.stdout).toMatch(/Recovery +no resolved incident; 1 open, not averaged/);
    // One deploy in 90 days: the median month has none.
    expect(out.stdout).toMatch(/payments +less than monthly +0\.1 +3\.0 +100% +– +1/);
    expect(widest(out.stdout)).toBeLessThanOrEqual(80);
    const one = await paved(ada, [
      'figures',
      'delivery',
      '--team',
      'checkout',
      '--window',
      '30',
      '--json',
    ]);
    expect(
      JSON.parse(one.stdout).teams.map((t: { team: { slug: string } }) => t.team.slug),
    ).toEqual(['checkout']);
    const bad = await paved(ada, ['figures', 'delivery', '--window', '3']);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toContain('--window 3: give whole days from 7 to 365.');
    const unknown = await paved(ada, ['figures', 'delivery', '--team', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no team "nope".');
  });

  it('prints unplanned work of a quarter', async () => {
    const { team } = await ids();
    const ci = await addCapability(handle(), 'ci-runners');
    await writeEvents(handle(), [
      unplanned(team.payments!, ci.id, 'forced-migration', 7.5, '2026-10-02T10:00:00Z'),
    ]);
    const out = await paved(ada, ['figures', 'unplanned-work', '--period', '2026-Q4']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('7.5 hours from 1 report.');
    expect(out.stdout).toMatch(/payments +7\.5 +0\.0 +0\.0 +7\.5 +0\.0/);
    const bad = await paved(ada, ['figures', 'unplanned-work', '--period', '2026-10']);
    expect(bad).toMatchObject({ code: 2 });
  });

  it('fixes an outcome as the platform team and prints the value, not causal with few teams', async () => {
    const { team } = await ids();
    const ci = await addCapability(handle(), 'ci-runners');
    for (const slug of ['payments', 'checkout', 'platform']) {
      await writeEvents(
        handle(),
        [6, 5, 4, 2, 1].map((m) => deploy(team[slug]!, monthsAgo(m), { minutes: m > 3 ? 10 : 13 })),
      );
      await adopt(handle(), ci.id, team[slug]!, [{ to: 'adopted', at: monthsAgo(3) }]);
    }
    const none = await paved(ada, ['figures', 'value', 'ci-runners']);
    expect(none.stdout).toContain('No outcome is fixed for Ci runners yet.');
    const refused = await paved(ada, [
      'figures',
      'value',
      'ci-runners',
      '--set-outcome',
      'lead-time',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Run paved whoami to see your role; an admin can change it.');
    const set = await paved(barbara, [
      'figures',
      'value',
      'ci-runners',
      '--set-outcome',
      'deploy-duration',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Measured by deploy duration');
    expect(set.stdout).toContain('Costs about');
    expect(set.stdout).toContain('Per deploy: +3.0 minutes');
    expect(set.stdout).toContain('NOT CAUSAL');
    expect(widest(set.stdout)).toBeLessThanOrEqual(80);
    const json = await paved(ada, ['figures', 'value', 'ci-runners', '--json']);
    expect(JSON.parse(json.stdout).estimate.causal).toBe(false);
    const unknown = await paved(ada, ['figures', 'value', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no capability "nope".');
  });
});
