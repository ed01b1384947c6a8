import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, startTestServer } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { run } from '../main.ts';
import { closeWindow, type Person, seedPages } from './pages-testing.ts';
import { createItem } from './service.ts';
import { shipItem } from './service-status.ts';
import { feedbackWithVoters, itemInput, propose } from './service-testing.ts';

describeEngines('roadmap CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let people: Awaited<ReturnType<typeof seedPages>>;

  beforeEach(async () => {
    server = await startTestServer(handle());
    people = await seedPages(handle());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(user: Person | null, args: string[]) {
    const io = captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: user?.token ?? '',
      HOME: '/nonexistent',
    });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

  it('lists the roadmap with distinct voters and shows an item, as text and JSON', async () => {
    const { db } = handle();
    const a = await feedbackWithVoters(
      db,
      people.ada.ctx,
      [people.alan.ctx, people.leader.ctx],
      'A',
    );
    const b = await feedbackWithVoters(db, people.alan.ctx, [people.leader.ctx], 'B');
    const planned = await createItem(db, people.barbara.ctx, {
      ...itemInput({ title: 'Cache builds', feedbackIds: [a, b], horizon: 'now' }),
      status: 'planned',
    });
    const proposal = await propose(db, people.barbara.ctx, {
      title: 'Retire Jenkins',
      driver: 'platform-health',
      rationale: 'Two CI systems cost us two on-call rotas.',
    });
    const list = await paved(people.ada, ['roadmap', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Id\s+Title\s+Status\s+When\s+Driver\s+Asked$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${proposal.id}\\s+Retire Jenkins\\s+Open for comment\\s+Next\\s+Platform\\s+0$`),
    );
    // Alan and the leader voted; the leader voted on both and counts once.
    expect(lines[2]).toMatch(
      new RegExp(`^${planned.id}\\s+Cache builds\\s+Planned\\s+Now\\s+Developers\\s+2$`),
    );
    expect(fits80(list.stdout)).toBe(true);
    const json = await paved(people.ada, ['roadmap', 'list', '--status', 'planned', '--json']);
    expect(JSON.parse(json.stdout).map((i: { id: string }) => i.id)).toEqual([planned.id]);

    const show = await paved(people.ada, ['roadmap', 'show', proposal.id]);
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(show.stdout).toContain('Open for comment, Next · Platform health');
    expect(show.stdout).toContain('Two CI systems cost us two on-call rotas.');
    expect(show.stdout).toContain(`paved roadmap comment ${proposal.id} --stance`);
    expect(fits80(show.stdout)).toBe(true);
    const shown = await paved(people.ada, ['roadmap', 'show', planned.id]);
    expect(shown.stdout).toContain('Asked for by 2 people (each counted once):');
  });

  it('comments on an open proposal, and says plainly when comments are closed', async () => {
    const proposal = await propose(handle().db, people.barbara.ctx);
    const ok = await paved(people.ada, [
      'roadmap',
      'comment',
      proposal.id,
      '--stance',
      'concern',
      '--body',
      'Monorepos?',
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    expect(ok.stderr).toBe(
      `Posted: you have concerns. Its decider reads every comment before deciding; see it with paved roadmap show ${proposal.id}.\n`,
    );
    const noBody = await paved(people.ada, [
      'roadmap',
      'comment',
      proposal.id,
      '--stance',
      'concern',
    ]);
    expect(noBody.code).toBe(1);
    expect(noBody.stderr).toMatch(/^paved: Say what worries you/);
    const badStance = await paved(people.ada, [
      'roadmap',
      'comment',
      proposal.id,
      '--stance',
      'maybe',
    ]);
    expect(badStance.code).toBe(2);
    await closeWindow(handle(), proposal.id);
    const late = await paved(people.alan, [
      'roadmap',
      'comment',
      proposal.id,
      '--stance',
      'support',
    ]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^paved: Comments closed on \d{4}-\d{2}-\d{2}/);
    expect(late.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const missing = await paved(people.alan, ['roadmap', 'show', 'nope']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(
      'paved: There is no such roadmap item. Check the id or name (the list commands show them).\n',
    );
  });

  it('prints the changelog with what was said, and breaking changes only on request', async () => {
    const { db } = handle();
    const fb = await feedbackWithVoters(db, people.ada.ctx, [], 'Builds are slow');
    const item = await createItem(db, people.barbara.ctx, {
      ...itemInput({ feedbackIds: [fb] }),
      status: 'planned',
    });
    const empty = await paved(people.ada, ['changelog']);
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: 'Nothing has shipped yet.\n' });
    await shipItem(db, people.barbara.ctx, item.id, {
      title: 'Builds are cached',
      body: 'Builds reuse their **dependencies**.',
    });
    const log = await paved(people.ada, ['changelog']);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(
      /^\d{1,2} \w{3} \d{4} {2}Builds are cached\n {2}Builds reuse their dependencies\.\n {2}You said: Builds are slow\n$/,
    );
    const breaking = await paved(people.ada, ['changelog', '--breaking']);
    expect(breaking).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'No breaking changes so far.\n',
    });
    const json = await paved(people.ada, ['changelog', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { title: 'Builds are cached', feedback: [{ id: fb }] },
    ]);
  });
});
