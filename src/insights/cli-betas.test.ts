import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { getCapabilityBySlug, ledgerState } from '../capabilities/store.ts';
import { run } from '../main.ts';
import { day, seedBetaUsers } from './betas-testing.ts';

describeEngines('paved beta', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let seed: Awaited<ReturnType<typeof seedBetaUsers>>;

  beforeEach(async () => {
    server = await startTestServer(handle());
    seed = await seedBetaUsers(handle());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(user: TestUser, args: string[], url = server!.url) {
    const io = captureIo({ PAVED_URL: url, PAVED_TOKEN: user.token, HOME: '/nonexistent' });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }
  const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

  async function create() {
    const res = await paved(seed.users.barbara, [
      'beta',
      'create',
      '--capability',
      'preview-envs',
      '--starts-on',
      day(-7),
      '--review-on',
      day(50),
      '--stay-rate',
      '3/4',
      '--criteria',
      'csat,stay-rate',
    ]);
    expect(res.code).toBe(0);
    return res.stdout.trim();
  }

  it('creates, lists and shows a beta, as text and JSON', async () => {
    const id = await create();
    const list = await paved(seed.users.ada, ['beta', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Id\s+Capability\s+Status\s+Teams\s+Review\s+Met$/);
    expect(lines[1]).toMatch(new RegExp(`^${id}\\s+Preview environments\\s+Running\\s+0/3\\s+`));
    expect(lines[1]).toMatch(/0\/2$/);
    expect(fits80(list.stdout)).toBe(true);
    const json = await paved(seed.users.ada, ['beta', 'list', '--json']);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      id,
      criteria: [{ kind: 'csat' }, { kind: 'stay-rate', threshold: 0.75 }],
    });
    const show = await paved(seed.users.ada, ['beta', 'show', id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Beta: Preview environments');
    expect(show.stdout).toContain('At least 3/4 of teams still using it 6 weeks after');
    expect(show.stdout).toContain('Not measurable yet: no team has joined.');
    expect(fits80(show.stdout)).toBe(true);
    expect(
      JSON.parse((await paved(seed.users.ada, ['beta', 'show', id, '--json'])).stdout),
    ).toMatchObject({
      id,
      status: 'running',
    });
  });

  it('joins and leaves for my team, and says so on stderr', async () => {
    const id = await create();
    const join = await paved(seed.users.ada, ['beta', 'join', id]);
    expect(join).toMatchObject({ code: 0, stdout: '' });
    expect(join.stderr).toContain('payments has joined the beta');
    expect((await ledgerState(handle().db, seed.teams.payments, seed.capabilityId)).state).toBe(
      'trial',
    );
    const leave = await paved(seed.users.ada, [
      'beta',
      'leave',
      id,
      '--reason',
      'too-slow',
      '--alternative',
      'staging',
    ]);
    expect(leave.code).toBe(0);
    expect((await ledgerState(handle().db, seed.teams.payments, seed.capabilityId)).state).toBe(
      'left',
    );
    const again = await paved(seed.users.ada, ['beta', 'join', id, '--team', 'platform']);
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('fails at once with --no-input, naming the missing flags, before calling paved', async () => {
    const res = await paved(
      seed.users.barbara,
      ['beta', 'create', '--capability', 'preview-envs', '--no-input'],
      'http://127.0.0.1:9',
    );
    expect(res).toMatchObject({ code: 2, stdout: '' });
    expect(res.stderr).toBe(
      'paved: Missing --review-on and --no-input is set: pass --review-on.\n',
    );
    const leave = await paved(
      seed.users.ada,
      ['beta', 'leave', 'x', '--no-input'],
      'http://127.0.0.1:9',
    );
    expect(leave.stderr).toBe(
      'paved: Missing --reason and --alternative and --no-input is set: pass --reason and --alternative.\n',
    );
    const review = await paved(
      seed.users.barbara,
      ['beta', 'review', 'x', '--outcome', 'iterate'],
      'http://127.0.0.1:9',
    );
    expect(review.code).toBe(2);
    expect(review.stderr).toContain(
      'Missing --rationale and --next-review and this is not a terminal',
    );
    expect(await countRows(handle().db, 'beta_programs')).toBe(0);
  });

  it('reviews as the decider; bad input is one line on stderr with a non-zero exit', async () => {
    const id = await create();
    const refused = await paved(seed.users.leader, [
      'beta',
      'review',
      id,
      '--outcome',
      'graduate',
      '--rationale',
      'Yes',
    ]);
    expect(refused.code).toBe(1);
    const badDate = await paved(seed.users.barbara, [
      'beta',
      'review',
      id,
      '--outcome',
      'iterate',
      '--rationale',
      'More teams',
      '--next-review',
      'soon',
    ]);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toContain('nextReviewOn');
    expect(badDate.stderr.trim().split('\n')).toHaveLength(1);
    const done = await paved(seed.users.barbara, [
      'beta',
      'review',
      id,
      '--outcome',
      'graduate',
      '--rationale',
      'Ready',
    ]);
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('Preview environments has graduated');
    expect((await getCapabilityBySlug(handle().db, 'preview-envs'))!.stage).toBe('ga');
  });
});
