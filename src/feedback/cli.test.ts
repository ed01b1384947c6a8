import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { run } from '../main.ts';
import { feedbackCounts } from './service-testing.ts';

describeEngines('feedback CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let people: Record<'ada' | 'alan' | 'barbara', TestUser>;

  beforeEach(async () => {
    server = await startTestServer(handle());
    await seedOrg(handle().db);
    people = {
      ada: await signIn(handle(), 'developer', 'ada.lovelace@example.test'),
      alan: await signIn(handle(), 'developer', 'alan.turing@example.test'),
      barbara: await signIn(handle(), 'platform', 'barbara.liskov@example.test'),
    };
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(user: TestUser | null, args: string[]) {
    const io = captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: user?.token ?? '',
      HOME: '/nonexistent',
    });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

  it('posts, lists, shows, votes and unvotes, in tables that fit 80 columns', async () => {
    const add = await paved(people.ada, [
      'feedback',
      'add',
      '--kind',
      'problem',
      '--title',
      'Deploys take twenty minutes on a good day and longer when the queue is busy',
      '--body',
      'See [the run](https://ci.example.test/1).\n\n- step one\n- step two',
    ]);
    expect(add.code).toBe(0);
    const id = add.stdout.trim();
    expect(id).toMatch(/^[\w-]{16}$/);
    expect(add.stderr).toContain('as Test developer (Payments)');
    expect(add.stderr).toContain(`paved feedback show ${id}`);
    const anon = await paved(people.alan, [
      'feedback',
      'add',
      '--kind',
      'idea',
      '--title',
      'Previews',
      '--as-team',
    ]);
    expect(anon.stderr).toContain('as a developer in Checkout');

    expect((await paved(people.alan, ['feedback', 'vote', id])).stderr).toBe(
      `Voted for ${id}: 1 vote now.\n`,
    );
    expect((await paved(people.barbara, ['feedback', 'vote', id])).stderr).toBe(
      `Voted for ${id}: 2 votes now.\n`,
    );
    expect((await paved(people.alan, ['feedback', 'unvote', id])).stderr).toBe(
      `Withdrew your vote from ${id}: 1 vote now.\n`,
    );

    const list = await paved(people.ada, ['feedback', 'list', '--sort', 'votes']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+Votes\s+Status\s+Age\s+Title$/);
    expect(lines[1]).toContain(id);
    expect(lines[1]).toMatch(/\s1\s+new\s+0d\s+Deploys take/);
    expect(lines[1]).toContain('…');
    expect(fits80(list.stdout)).toBe(true);

    const json = await paved(people.ada, ['feedback', 'list', '--json', '--kind', 'idea']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ title: 'Previews', author: null }),
    ]);

    const show = await paved(people.ada, ['feedback', 'show', id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('problem · new · 1 vote');
    expect(show.stdout).toContain('See the run (https://ci.example.test/1).');
    expect(show.stdout).toContain('Acknowledgement: waiting, within the promised time');
    expect(fits80(show.stdout)).toBe(true);
  });

  it('triages over the CLI: status with a note, merge, and the inbox of the people told', async () => {
    const a = (
      await paved(people.ada, ['feedback', 'add', '--kind', 'problem', '--title', 'Slow deploys'])
    ).stdout.trim();
    const b = (
      await paved(people.alan, ['feedback', 'add', '--kind', 'problem', '--title', 'Deploys crawl'])
    ).stdout.trim();
    const status = await paved(people.barbara, [
      'feedback',
      'status',
      a,
      'acknowledged',
      '--note',
      'We see it; looking at the queue.',
    ]);
    expect(status).toMatchObject({ code: 0, stdout: '' });
    expect(status.stderr).toBe('Slow deploys: now acknowledged. Subscribers will be told.\n');
    const mergeArgs = ['feedback', 'merge', b, '--into', a, '--note', 'Same problem.'];
    // Without a terminal to confirm on, a merge needs --force and changes nothing.
    const refused = await paved(people.barbara, mergeArgs);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      `paved: Merging ${b} into ${a} moves its votes and subscribers there and closes it as a duplicate; it cannot be undone. Add --force to go ahead.\n`,
    );
    const merge = await paved(people.barbara, [...mergeArgs, '--force']);
    expect(merge.stderr).toBe(`Merged ${b} into ${a} "Slow deploys": 0 votes there now.\n`);

    const inbox = await paved(people.ada, ['inbox']);
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain('Slow deploys: acknowledged');
    expect(inbox.stderr).toContain('1 unread');
    expect(fits80(inbox.stdout)).toBe(true);
    const marked = await paved(people.ada, ['inbox', '--mark-read', '--json']);
    expect(JSON.parse(marked.stdout)).toMatchObject({ unread: 0 });
    expect((await paved(people.ada, ['inbox', '--unread'])).stderr).toBe('Nothing unread.\n');

    const alanShow = await paved(people.alan, ['feedback', 'show', b]);
    expect(alanShow.stdout).toContain(`Merged into ${a} "Slow deploys"`);
    const history = await paved(people.ada, ['feedback', 'show', a]);
    expect(history.stdout).toContain('new → acknowledged by Test platform');
    expect(history.stdout).toContain('We see it; looking at the queue.');
  });

  it('reports bad input on stderr with a non-zero exit code, and writes nothing', async () => {
    const id = (
      await paved(people.ada, ['feedback', 'add', '--kind', 'problem', '--title', 'Slow'])
    ).stdout.trim();
    const before = await feedbackCounts(handle().db);
    const cases: [TestUser, string[], number, RegExp][] = [
      [people.ada, ['feedback', 'add', '--kind', 'problem', '--title', '  '], 1, /title/],
      [people.ada, ['feedback', 'add', '--kind', 'rant', '--title', 'x'], 2, /rant/],
      [
        people.ada,
        ['feedback', 'add', '--kind', 'idea', '--title', 'x', '--capability', 'nope'],
        1,
        /capability "nope"/,
      ],
      [
        people.barbara,
        ['feedback', 'status', id, 'shipped', '--note', 'x'],
        1,
        /can move to acknowledged/,
      ],
      [people.barbara, ['feedback', 'status', id, 'acknowledged'], 2, /--note is required/],
      [people.barbara, ['feedback', 'status', id, 'finished', '--note', 'x'], 2, /not a status/],
      [
        people.barbara,
        ['feedback', 'merge', id, '--into', id, '--note', 'x', '--force'],
        1,
        /itself/,
      ],
      [people.barbara, ['feedback', 'merge', id, '--note', 'x'], 2, /--into is required/],
      [
        people.ada,
        ['feedback', 'status', id, 'acknowledged', '--note', 'x'],
        1,
        /Run paved whoami to see your role/,
      ],
      [people.ada, ['feedback', 'show', 'missing'], 1, /no such feedback/],
      [people.ada, ['feedback', 'list', '--limit', '0'], 2, /--limit/],
      [people.ada, ['feedback', 'figures', '--period', '2026-13'], 2, /--period/],
      [people.ada, ['feedback', 'unsubscribe'], 2, /--all/],
    ];
    for (const [user, args, code, message] of cases) {
      const result = await paved(user, args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(message);
      // One line; a usage error adds the pointer to paved help.
      const lines = result.stderr.trim().split('\n');
      expect(lines.length, args.join(' ')).toBe(
        code === 2 && lines[1]?.includes('paved help') ? 2 : 1,
      );
    }
    expect(await feedbackCounts(handle().db)).toEqual(before);
  });

  it('shows the responsiveness figures and unsubscribes from everything', async () => {
    await paved(people.ada, ['feedback', 'add', '--kind', 'problem', '--title', 'Slow']);
    const figures = await paved(people.ada, ['feedback', 'figures']);
    expect(figures.code).toBe(0);
    expect(figures.stdout).toMatch(/promise: 5 days/);
    expect(figures.stdout).toMatch(/Items posted\s+1/);
    expect(figures.stdout).toMatch(/Acknowledged in time\s+no data yet/);
    const refused = await paved(people.ada, ['feedback', 'unsubscribe', '--all']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(
      /^paved: Unsubscribing from all feedback .* Add --force to go ahead\.\n$/,
    );
    const off = await paved(people.ada, ['feedback', 'unsubscribe', '--all', '--force']);
    expect(off.stderr).toBe('You no longer follow any feedback (1 stopped).\n');
  });
});
