// Every main journey from the terminal: the real `paved` CLI (in process,
// through `run`) against a real paved server on a fresh SQLite database filled
// by `paved demo`, signed in with `paved login --with-token` under
// XDG_CONFIG_HOME as a developer and as a platform engineer, with no terminal
// to ask on. Each journey checks the --json outcome, the effect in the
// database, the human output, and one-line errors for bad input.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/core/cli.ts';
import { readLogin } from '../../src/core/client.ts';
import { getSetting } from '../../src/core/settings.ts';
import { demoAccounts } from '../../src/demo/model.ts';
import { run } from '../../src/main.ts';
import { startTestServer } from '../app.ts';
import { freshDatabase, type TestDb } from '../engines.ts';

/** The server secret: the demo keys the open survey's invitations with it. */
const SECRET = 'journeys-secret-0123456789abcdef0123';

type Role = 'developer' | 'platform';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let db: TestDb;
let server: { url: string; close: () => Promise<void> };
let home: string;
const configDirs = {} as Record<Role, string>;
/** The developer's team slug, as `paved whoami` says it. */
let team: string;

/** An Io with no terminal anywhere: stdout and stderr captured, stdin piped. */
function pipedIo(
  env: Record<string, string>,
  input = '',
): Io & Record<'stdout' | 'stderr', () => string> {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    env,
    isTty: false,
    stdin: {
      isTty: false,
      read: async () => input,
      readHidden: async () => {
        throw new Error('asked for a secret on a terminal that is not there');
      },
      readLine: async () => {
        throw new Error('asked a question on a terminal that is not there');
      },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** Runs `paved --no-input …` as a signed-in role (its stored login), or with extra environment. */
async function paved(
  as: Role | null,
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  const io = pipedIo(
    {
      HOME: home,
      XDG_CONFIG_HOME: as ? configDirs[as] : join(home, 'nobody'),
      PATH: process.env.PATH ?? '',
      ...opts.env,
    },
    opts.input,
  );
  // Never ask: every journey runs with all it needs given by flags.
  const code = await run(['--no-input', ...args], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** The parsed --json output of a command that must succeed. */
function json<T = Record<string, unknown>>(r: Result): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Human output: plain lines (no JSON, no colour codes) that fit 80 columns. */
function expectReadable(text: string): void {
  expect(text.trim()).not.toBe('');
  expect(text.trimStart()).not.toMatch(/^[[{]/);
  expect(text).not.toContain('\u001b[');
  for (const line of text.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
}

/** A failure: nothing on stdout, one line on stderr, the exit code asked for. */
function expectOneLineError(r: Result, code: 1 | 2, says: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^paved: /);
  expect(lines[0]).toMatch(says);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'paved-journeys-'));
  db = await freshDatabase('sqlite');
  const local = { PAVED_DATABASE_URL: db.url, PAVED_SECRET: SECRET };
  const demo = await paved(null, ['demo', '--json'], { env: local });
  expect(json(demo)).toMatchObject({ size: 'small', seed: 42 });
  server = await startTestServer(db, SECRET);
  const accounts = await getSetting(db.db, demoAccounts);
  for (const role of ['developer', 'platform'] as const) {
    const email = accounts.find((a) => a.role === role)!.email;
    const { token } = json<{ token: string }>(
      await paved(null, ['token', 'create', '--email', email, '--name', 'journeys', '--json'], {
        env: local,
      }),
    );
    configDirs[role] = join(home, role);
    const login = await paved(role, ['login', '--url', server.url, '--with-token'], {
      input: `${token}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(new RegExp(`^Signed in to .* \\(${role}\\)\\.\\n$`));
  }
  const me = json<{ role: string; team: string }>(await paved('developer', ['whoami', '--json']));
  expect(me.role).toBe('developer');
  team = me.team;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('CLI journeys against a real server', () => {
  it('1. answers the quarterly survey', async () => {
    const surveys = json<{ id: string; state: string; answered: boolean | null }[]>(
      await paved('developer', ['survey', 'list', '--json']),
    );
    const open = surveys.find((s) => s.state === 'open');
    expect(open).toMatchObject({ answered: false });
    const id = open!.id;

    const table = await paved('developer', ['survey', 'list']);
    expectReadable(table.stdout);
    expect(table.stdout).toMatch(/^Id\s+Survey\s+Period\s+Status\s+Closes\s+You/);
    expect(table.stdout.split('\n').find((l) => l.startsWith(id))).toMatch(/Not answered$/);

    // Bad answers are refused before anything is sent.
    expectOneLineError(
      await paved('developer', ['survey', 'answer', id, '--no-input', '--nps', '11']),
      2,
      /--nps 11: give a whole number from 0 to 10/,
    );
    expectOneLineError(
      await paved('developer', ['survey', 'answer', id, '--no-input']),
      2,
      /No answers given/,
    );

    const before = await responses(id);
    const answered = await paved('developer', [
      'survey',
      'answer',
      id,
      '--no-input',
      '--nps',
      '9',
      '--cognitive-load',
      '2',
      '--hours-lost',
      '1-2',
      '--csat',
      'deploy-pipeline=4',
      '--effort',
      'deploy-pipeline=6',
      '--fix',
      'Faster builds on the shared runners',
      '--json',
    ]);
    expect(json(answered)).toEqual({ answered: true });
    expect(await responses(id)).toBe(before + 1);
    const rating = await db.db
      .selectFrom('survey_ratings')
      .innerJoin('capabilities', 'capabilities.id', 'survey_ratings.capability_id')
      .select(['csat', 'effort'])
      .where('survey_id', '=', id)
      .where('capabilities.slug', '=', 'deploy-pipeline')
      .where('csat', '=', 4)
      .where('effort', '=', 6)
      .execute();
    expect(rating.length).toBeGreaterThanOrEqual(1);
    const after = json<{ id: string; answered: boolean | null }[]>(
      await paved('developer', ['survey', 'list', '--json']),
    );
    expect(after.find((s) => s.id === id)?.answered).toBe(true);

    expectOneLineError(
      await paved('developer', ['survey', 'answer', id, '--no-input', '--nps', '8']),
      1,
      /already answered/,
    );

    // Without --json: one line of thanks on stderr, nothing on stdout.
    const thanks = await paved('platform', ['survey', 'answer', id, '--nps', '7']);
    expect(thanks).toMatchObject({ code: 0, stdout: '' });
    expect(thanks.stderr).toMatch(
      /^Thank you: your answers to .+ are in\. Results appear when it closes/,
    );
    expect(thanks.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(await responses(id)).toBe(before + 2);
  });

  it('2. posts feedback and votes on feedback', async () => {
    const posted = json<{ id: string; status: string; votes: number; authorLine: string }>(
      await paved('developer', [
        'feedback',
        'add',
        '--kind',
        'problem',
        '--title',
        'Preview environments take ten minutes to start',
        '--body',
        'Every pull request waits for one.',
        '--capability',
        'preview-environments',
        '--json',
      ]),
    );
    expect(posted).toMatchObject({ status: 'new', votes: 0 });
    const row = await db.db
      .selectFrom('feedback_items')
      .select(['title', 'status'])
      .where('id', '=', posted.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'Preview environments take ten minutes to start', status: 'new' });

    // Someone else's item the developer has not voted for yet.
    const board = json<{ id: string; voted: boolean; votes: number; status: string }[]>(
      await paved('developer', ['feedback', 'list', '--sort', 'votes', '--json']),
    );
    const other = board.find((i) => !i.voted && i.id !== posted.id && i.status !== 'duplicate')!;
    expect(other).toBeDefined();
    const vote = json<{ votes: number; voted: boolean }>(
      await paved('developer', ['feedback', 'vote', other.id, '--json']),
    );
    expect(vote).toMatchObject({ voted: true, votes: other.votes + 1 });
    const me = await accountId('developer');
    expect(
      await db.db
        .selectFrom('feedback_votes')
        .select('user_id')
        .where('item_id', '=', other.id)
        .where('user_id', '=', me)
        .execute(),
    ).toHaveLength(1);

    const human = await paved('developer', ['feedback', 'show', posted.id]);
    expect(human.code).toBe(0);
    expectReadable(human.stdout);
    expect(human.stdout).toContain('problem · new · 0 votes');
    const list = await paved('developer', ['feedback', 'list', '--limit', '5']);
    expectReadable(list.stdout);
    expect(list.stdout).toMatch(/^ID\s+Votes\s+Status\s+Age\s+Title/);
    const again = await paved('developer', ['feedback', 'vote', posted.id]);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(again.stderr).toBe(`Voted for ${posted.id}: 1 vote now.\n`);

    expectOneLineError(
      await paved('developer', ['feedback', 'vote', 'no-such-item-000', '--json']),
      1,
      /./,
    );
    expectOneLineError(
      await paved('developer', [
        'feedback',
        'add',
        '--kind',
        'idea',
        '--title',
        'Something',
        '--capability',
        'no-such-capability',
      ]),
      1,
      /no-such-capability/,
    );
  });

  it('3. leaves a capability with a reason, and asks for an exception to a mandate', async () => {
    const reasons = json<{ key: string; label: string }[]>(
      await paved('developer', ['capability', 'reasons', '--json']),
    );
    const reason = reasons.find((r) => r.key === 'too-slow') ?? reasons[0]!;
    const slug = await adoptedOptional(team);
    const leftBefore = json<{ adoption: { left: number } }>(
      await paved('developer', ['capability', 'show', slug, '--json']),
    ).adoption.left;
    const left = json<{ id: string; from: string; to: string; reason: string; team: string }>(
      await paved('developer', [
        'capability',
        'leave',
        slug,
        '--team',
        team,
        '--reason',
        reason.key,
        '--alternative',
        'A wiki page per team',
        '--reason-text',
        'Search never finds our runbooks.',
        '--json',
      ]),
    );
    expect(left).toMatchObject({ from: 'adopted', to: 'left', reason: reason.key });
    const event = await db.db
      .selectFrom('adoption_events')
      .select(['to_state', 'reason', 'reason_text', 'alternative'])
      .where('id', '=', left.id)
      .executeTakeFirstOrThrow();
    expect(event).toEqual({
      to_state: 'left',
      reason: reason.key,
      reason_text: 'Search never finds our runbooks.',
      alternative: 'A wiki page per team',
    });

    const show = await paved('developer', ['capability', 'show', slug]);
    const counts = json<{ adoption: Record<string, number> }>(
      await paved('developer', ['capability', 'show', slug, '--json']),
    ).adoption;
    expect(counts.left).toBe(leftBefore + 1);
    expect(show.stdout).toContain(`adopted ${counts.adopted} · left ${counts.left}`);
    expectReadable(show.stdout);
    expect(show.stdout).toMatch(/Teams by state/);
    const reasonsTable = await paved('developer', ['capability', 'reasons']);
    expectReadable(reasonsTable.stdout);
    expect(reasonsTable.stdout).toMatch(/^Reason\s+Meaning/);

    const catalog = await paved('developer', ['capability', 'list']);
    expectReadable(catalog.stdout);
    // Whole slugs: they are what every other capability command takes.
    expect(catalog.stdout).toMatch(/^database-as-a-service\s/m);
    expect(catalog.stdout).toMatch(/^internal-docs-search\s/m);

    const mandatory = json<{ slug: string }[]>(
      await paved('developer', ['capability', 'list', '--obligation', 'mandatory', '--json']),
    );
    const target = await withoutOpenRequest(
      team,
      mandatory.map((c) => c.slug),
    );
    const asked = json<{ id: string; status: string; kind: string; capability: string }>(
      await paved('developer', [
        'exception',
        'request',
        target,
        '--team',
        team,
        '--justification',
        'Our payment batch jobs cannot run inside the standard pipeline yet.',
        '--evidence',
        'https://wiki.example.test/batch',
        '--json',
      ]),
    );
    expect(asked).toMatchObject({ status: 'pending', kind: 'exception', capability: target });
    const stored = await db.db
      .selectFrom('exceptions')
      .select(['status', 'kind', 'justification'])
      .where('id', '=', asked.id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'pending', kind: 'exception' });

    // Without --json: the id alone on stdout (for $(…)), what happened on stderr.
    const challenge = await paved('developer', [
      'exception',
      'request',
      target,
      '--team',
      team,
      '--policy-change',
      '--justification',
      'Batch jobs should be covered by the policy, not excepted one by one.',
    ]);
    expect(challenge.code, challenge.stderr).toBe(0);
    const challengeId = challenge.stdout.trim();
    expect(challengeId).toMatch(/^[\w-]{16}$/);
    expect(challenge.stderr).toMatch(
      new RegExp(
        `^Asked for a policy change for ${target} for ${team}: request ${challengeId}, pending\\.`,
      ),
    );
    expect(
      await db.db
        .selectFrom('exceptions')
        .select(['kind', 'status'])
        .where('id', '=', challengeId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ kind: 'policy-change', status: 'pending' });

    const list = await paved('developer', ['exception', 'list', '--team', team]);
    expectReadable(list.stdout);
    // Whole ids, so that the next command can take one.
    expect(list.stdout.split('\n').find((l) => l.startsWith(`${asked.id}  `))).toMatch(
      /\sexception\s+pending\s+asked \d+ \w{3} \d{4}$/,
    );

    expectOneLineError(
      await paved('developer', [
        'capability',
        'leave',
        'no-such-capability',
        '--team',
        team,
        '--reason',
        reason.key,
        '--alternative',
        'x',
      ]),
      1,
      /./,
    );
    const optional = json<{ slug: string }[]>(
      await paved('developer', ['capability', 'list', '--obligation', 'optional', '--json']),
    );
    expectOneLineError(
      await paved('developer', [
        'exception',
        'request',
        optional[0]!.slug,
        '--team',
        team,
        '--justification',
        'No need.',
      ]),
      1,
      /./,
    );
  });

  it('4. reads the roadmap and comments on a proposal open for comment', async () => {
    const items = json<{ id: string; status: string; title: string }[]>(
      await paved('developer', ['roadmap', 'list', '--json']),
    );
    expect(items.length).toBeGreaterThan(0);
    const table = await paved('developer', ['roadmap', 'list']);
    expectReadable(table.stdout);
    expect(table.stdout).toMatch(/^Id\s+Title\s+Status\s+When\s+Driver\s+Asked/);

    const changelog = await paved('developer', ['changelog', '--limit', '5']);
    expectReadable(changelog.stdout);
    expect(changelog.stdout).toMatch(/^\d{1,2} \w{3} \d{4} {2}\S/);
    expect(changelog.stdout).not.toContain('**');

    const proposals = items.filter((i) => i.status === 'proposed');
    type Detail = {
      id: string;
      window: string;
      concern: number;
      feedback: unknown[];
      commentList: { id: string }[];
    };
    let open: Detail | undefined;
    for (const p of proposals) {
      const detail = json<Detail>(await paved('developer', ['roadmap', 'show', p.id, '--json']));
      if (detail.window === 'open') open = detail;
    }
    expect(open).toBeDefined();
    const shown = await paved('developer', ['roadmap', 'show', open!.id]);
    expectReadable(shown.stdout);
    expect(shown.stdout).toMatch(
      new RegExp(`Open for comment until .*: \\d+ support, ${open!.concern} concerns?\\.`),
    );
    // One bullet per linked feedback item, however long its title wraps.
    expect(open!.feedback.length).toBeGreaterThan(0);
    expect(shown.stdout.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(
      open!.feedback.length,
    );

    const comment = json<{ id: string; stance: string; body: string }>(
      await paved('developer', [
        'roadmap',
        'comment',
        open!.id,
        '--stance',
        'concern',
        '--body',
        'Two of our services still build there; we need until September.',
        '--json',
      ]),
    );
    expect(comment).toMatchObject({ stance: 'concern' });
    const row = await db.db
      .selectFrom('roadmap_comments')
      .select(['item_id', 'stance', 'body'])
      .where('id', '=', comment.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      item_id: open!.id,
      stance: 'concern',
      body: 'Two of our services still build there; we need until September.',
    });
    const after = json<{ commentList: { id: string }[] }>(
      await paved('developer', ['roadmap', 'show', open!.id, '--json']),
    );
    expect(after.commentList.map((c) => c.id)).toContain(comment.id);

    expectOneLineError(
      await paved('developer', ['roadmap', 'comment', open!.id, '--stance', 'concern']),
      1,
      /./,
    );
    const shipped = items.find((i) => i.status === 'shipped')!;
    expectOneLineError(
      await paved('developer', ['roadmap', 'comment', shipped.id, '--stance', 'support', '--json']),
      1,
      /./,
    );
  });

  it('5. sends a pulse', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const before = await pulses('ci-runners', month);
    const sent = json<{ month: string; nextOn: string }>(
      await paved('developer', [
        'pulse',
        'ci-runners',
        '4',
        '--touchpoint',
        'pipeline',
        '--comment',
        'Quick today',
        '--json',
      ]),
    );
    expect(sent.month).toBe(month);
    expect(sent.nextOn).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(await pulses('ci-runners', month)).toBe(before + 1);
    const stored = await db.db
      .selectFrom('pulses')
      .innerJoin('capabilities', 'capabilities.id', 'pulses.capability_id')
      .select(['rating', 'touchpoint', 'comment'])
      .where('capabilities.slug', '=', 'ci-runners')
      .where('comment', '=', 'Quick today')
      .execute();
    expect(stored).toEqual([{ rating: 4, touchpoint: 'pipeline', comment: 'Quick today' }]);

    const human = await paved('developer', ['pulse', 'secrets-manager', '5']);
    expect(human).toMatchObject({ code: 0, stdout: '' });
    expect(human.stderr).toMatch(/^Thank you: your rating of secrets-manager is in/);
    expect(human.stderr.trimEnd().split('\n')).toHaveLength(1);

    expectOneLineError(await paved('developer', ['pulse', 'ci-runners', '9']), 2, /1 to 5/);
    expectOneLineError(
      await paved('developer', ['pulse', 'no-such-capability', '4', '--json']),
      1,
      /./,
    );
    // The throttle: once per capability per person for a while.
    expectOneLineError(await paved('developer', ['pulse', 'ci-runners', '3']), 1, /./);
    expect(await pulses('ci-runners', month)).toBe(before + 1);
  });

  it('6. triages feedback as the platform team: acknowledge, status with a note, merge', async () => {
    const post = async (title: string) =>
      json<{ id: string }>(
        await paved('developer', [
          'feedback',
          'add',
          '--kind',
          'problem',
          '--title',
          title,
          '--json',
        ]),
      ).id;
    const original = await post('Build cache misses on every branch');
    const duplicate = await post('The build cache never hits');

    const queue = json<{ id: string }[]>(
      await paved('platform', ['feedback', 'list', '--status', 'new', '--limit', '500', '--json']),
    );
    expect(queue.map((i) => i.id)).toEqual(expect.arrayContaining([original, duplicate]));

    const acked = json<{ id: string; status: string; acknowledgedAt: string | null }>(
      await paved('platform', [
        'feedback',
        'status',
        original,
        'acknowledged',
        '--note',
        'We see it; looking at the cache keys.',
        '--json',
      ]),
    );
    expect(acked).toMatchObject({ id: original, status: 'acknowledged' });
    expect(acked.acknowledgedAt).not.toBeNull();

    const planned = await paved('platform', [
      'feedback',
      'status',
      original,
      'planned',
      '--note',
      'Fix planned for next sprint.',
    ]);
    expect(planned).toMatchObject({ code: 0, stdout: '' });
    expect(planned.stderr).toBe(
      'Build cache misses on every branch: now planned. Subscribers will be told.\n',
    );
    const changes = await db.db
      .selectFrom('feedback_status_changes')
      .select(['from_status', 'to_status', 'note'])
      .where('item_id', '=', original)
      .orderBy('at')
      .execute();
    expect(changes).toEqual([
      {
        from_status: 'new',
        to_status: 'acknowledged',
        note: 'We see it; looking at the cache keys.',
      },
      { from_status: 'acknowledged', to_status: 'planned', note: 'Fix planned for next sprint.' },
    ]);

    // Merging cannot be undone: with no one to ask, it needs --force.
    expectOneLineError(
      await paved('platform', [
        'feedback',
        'merge',
        duplicate,
        '--into',
        original,
        '--note',
        'Same problem.',
      ]),
      2,
      /--force/,
    );
    const merged = json<{ id: string; duplicates: { id: string }[] }>(
      await paved('platform', [
        'feedback',
        'merge',
        duplicate,
        '--into',
        original,
        '--note',
        'Same problem; follow the original.',
        '--force',
        '--json',
      ]),
    );
    expect(merged.id).toBe(original);
    expect(merged.duplicates.map((d) => d.id)).toContain(duplicate);
    expect(
      await db.db
        .selectFrom('feedback_items')
        .select(['status', 'duplicate_of'])
        .where('id', '=', duplicate)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'duplicate', duplicate_of: original });

    // "You said, we did": the author hears of each change, with its note, in their inbox.
    const inbox = json<{ items: { kind: string; title: string; body: string; link: string }[] }>(
      await paved('developer', ['inbox', '--unread', '--json']),
    );
    const told = inbox.items.filter((n) => n.link === `/feedback/${original}`);
    expect(told.map((n) => [n.kind, n.title, n.body.split('\n')[0]])).toEqual([
      [
        'feedback.merged',
        'The build cache never hits: merged into "Build cache misses on every branch"',
        'Same problem; follow the original.',
      ],
      [
        'feedback.status',
        'Build cache misses on every branch: planned',
        'Fix planned for next sprint.',
      ],
      [
        'feedback.status',
        'Build cache misses on every branch: acknowledged',
        'We see it; looking at the cache keys.',
      ],
    ]);
    const inboxTable = await paved('developer', ['inbox', '--limit', '5']);
    expectReadable(inboxTable.stdout);
    expect(inboxTable.stdout).toMatch(/^\s+Date\s+What happened\s+Link/);

    const show = await paved('platform', ['feedback', 'show', original]);
    expectReadable(show.stdout);
    expect(show.stdout).toMatch(/Status history/);
    expect(show.stdout).toMatch(/acknowledged → planned/);

    expectOneLineError(
      await paved('developer', ['feedback', 'status', original, 'shipped', '--note', 'Done.']),
      1,
      /Run paved whoami to see your role/,
    );
    expectOneLineError(
      await paved('platform', ['feedback', 'status', original, 'finished', '--note', 'Done.']),
      2,
      /"finished" is not a status/,
    );
    expectOneLineError(
      await paved('platform', ['feedback', 'status', original, 'shipped']),
      2,
      /--note is required/,
    );
  });

  it('7. reads the quarterly report', async () => {
    const report = json<{ period: string; state: string; headline: unknown; matrix: unknown }>(
      await paved('developer', ['report', '--json']),
    );
    expect(report.period).toMatch(/^\d{4}-Q[1-4]$/);
    expect(report.state).toBe('complete');
    // The report as the API gives it, not a second computation (times of reading aside).
    const res = await fetch(`${server.url}/api/v1/report?period=${report.period}`, {
      headers: { Authorization: `Bearer ${tokenOf('developer')}` },
    });
    expect(res.status).toBe(200);
    expect(withoutTimes(report)).toEqual(withoutTimes(await res.json()));
    const viaFormat = json(
      await paved('developer', ['report', '--format', 'json', '--period', report.period]),
    );
    expect(withoutTimes(viaFormat)).toEqual(withoutTimes(report));

    const md = await paved('developer', ['report', '--period', report.period]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# /);
    expect(md.stdout).not.toContain('\u001b[');
    expect(md.stderr).toBe('');

    expectOneLineError(
      await paved('developer', ['report', '--period', '2026-Q9']),
      2,
      /give a quarter like 2026-Q4/,
    );
    expectOneLineError(await paved(null, ['report', '--json']), 1, /You are not signed in/);
  });
});

// ---- reading the database ----

async function responses(surveyId: string): Promise<number> {
  const row = await db.db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('survey_id', '=', surveyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function pulses(slug: string, month: string): Promise<number> {
  const row = await db.db
    .selectFrom('pulses')
    .innerJoin('capabilities', 'capabilities.id', 'pulses.capability_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('capabilities.slug', '=', slug)
    .where('month', '=', month)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function accountId(role: Role): Promise<string> {
  const accounts = await getSetting(db.db, demoAccounts);
  const email = accounts.find((a) => a.role === role)!.email;
  const row = await db.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The team's current state per capability: the last event of its ledger. */
async function ledger(teamSlug: string) {
  const rows = await db.db
    .selectFrom('adoption_events')
    .innerJoin('capabilities', 'capabilities.id', 'adoption_events.capability_id')
    .innerJoin('teams', 'teams.id', 'adoption_events.team_id')
    .select(['capabilities.slug', 'capabilities.obligation', 'to_state', 'seq'])
    .where('teams.slug', '=', teamSlug)
    .orderBy('seq')
    .execute();
  const state = new Map<string, { obligation: string; state: string }>();
  for (const r of rows) state.set(r.slug, { obligation: r.obligation, state: r.to_state });
  return state;
}

/** An optional capability the team uses now, to leave. */
async function adoptedOptional(teamSlug: string): Promise<string> {
  for (const [slug, s] of await ledger(teamSlug)) {
    if (s.obligation === 'optional' && s.state === 'adopted') return slug;
  }
  throw new Error(`the demo team ${teamSlug} uses no optional capability`);
}

/** A mandatory capability the team has no pending or approved request for. */
async function withoutOpenRequest(teamSlug: string, slugs: string[]): Promise<string> {
  const open = await db.db
    .selectFrom('exceptions')
    .innerJoin('capabilities', 'capabilities.id', 'exceptions.capability_id')
    .innerJoin('teams', 'teams.id', 'exceptions.team_id')
    .select('capabilities.slug')
    .where('teams.slug', '=', teamSlug)
    .where('exceptions.status', 'in', ['pending', 'escalated', 'approved'])
    .execute();
  const taken = new Set(open.map((r) => r.slug));
  const free = slugs.find((s) => !taken.has(s));
  if (!free) throw new Error(`every mandatory capability has an open request from ${teamSlug}`);
  return free;
}

/** The token the role's stored login holds (XDG_CONFIG_HOME/paved/config.json). */
function tokenOf(role: Role): string {
  const login = readLogin({ XDG_CONFIG_HOME: configDirs[role], HOME: home });
  if (!login) throw new Error(`no stored login for ${role}`);
  return login.token;
}

/** A JSON value without the times it was generated or measured at. */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) => (key === 'generatedAt' || key === 'measuredAt' ? '' : v)),
  );
}
