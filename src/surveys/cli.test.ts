import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import type { Io } from '../core/cli.ts';
import { run } from '../main.ts';
import { nextPulseDay } from './model.ts';
import {
  closedSurvey,
  openedSurvey,
  type SurveyPagesSeed,
  seedSurveyPages,
} from './pages-testing.ts';
import { getSurvey } from './store.ts';
import { dayWords } from './words.ts';

/** The server secret the test app and the survey helpers share (test/app.ts testSecret). */
const SECRET = 'paved-test-secret-0123456789abcdef';

const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

describeEngines('surveys CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let seed: SurveyPagesSeed;

  beforeEach(async () => {
    server = await startTestServer(handle(), SECRET);
    seed = await seedSurveyPages(handle());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function ioFor(user: TestUser | null, env: Record<string, string> = {}) {
    return captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: user?.token ?? '',
      HOME: '/nonexistent',
      ...env,
    });
  }

  /** Runs `paved …` as a user, against the test server, not in a terminal. */
  async function paved(user: TestUser | null, args: string[], env: Record<string, string> = {}) {
    const io = ioFor(user, env);
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  /** Runs `paved …` in a fake terminal that types `lines` one prompt at a time. */
  async function typed(
    user: TestUser,
    args: string[],
    lines: string[],
    env: Record<string, string> = {},
  ) {
    const base = ioFor(user, env);
    const prompts: string[] = [];
    const io: Io = {
      ...base,
      isTty: true,
      stdin: {
        isTty: true,
        read: async () => '',
        readHidden: () => Promise.reject(new Error('no secrets here')),
        readLine: async (question) => {
          prompts.push(question);
          base.err(question);
          return lines.length > 0 ? lines.shift()! : null;
        },
      },
    };
    const code = await run(args, io);
    return { code, stdout: base.stdout(), stderr: base.stderr(), prompts, left: lines };
  }

  it('lists surveys with whether you answered, as a table within 80 columns and as JSON', async () => {
    const closed = await closedSurvey(seed, { title: 'Q3 platform survey', period: '2026-Q3' });
    const open = await openedSurvey(seed);
    const list = await paved(seed.users.grace, ['survey', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Id\s+Survey\s+Period\s+Status\s+Closes\s+You$/);
    expect(list.stdout).toMatch(
      new RegExp(
        `${open.id}\\s+Q4 platform survey\\s+Q4 2026\\s+Open\\s+\\d+ \\w{3} \\d{4}\\s+Not answered`,
      ),
    );
    expect(list.stdout).toMatch(
      new RegExp(
        `${closed.id}\\s+Q3 platform survey\\s+Q3 2026\\s+Closed\\s+\\d+ \\w{3} \\d{4}\\s+Results`,
      ),
    );
    expect(fits80(list.stdout)).toBe(true);
    const json = await paved(seed.users.grace, ['survey', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: open.id, state: 'open', answered: false }),
      expect.objectContaining({ id: closed.id, state: 'closed', answered: null }),
    ]);
  });

  it('creates, opens and closes a survey for the platform team; closing asks first or needs --force', async () => {
    const create = await paved(seed.users.barbara, [
      'survey',
      'create',
      '--title',
      'Q1 platform survey',
      '--period',
      '2027-Q1',
      '--teams',
      'payments,platform',
      '--question',
      'rating:How are the new docs?',
      '--json',
    ]);
    expect(create.code).toBe(0);
    const created = JSON.parse(create.stdout);
    expect([...created.teams].sort()).toEqual(['payments', 'platform']);
    expect(created).toMatchObject({
      state: 'draft',
      audience: 'teams',
      questions: [expect.objectContaining({ prompt: 'How are the new docs?', comparable: false })],
    });
    const refused = await paved(seed.users.ada, [
      'survey',
      'create',
      '--title',
      'x',
      '--period',
      '2027-Q1',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Run paved whoami to see your role; an admin can change it.');
    const badQuestion = await paved(seed.users.barbara, [
      'survey',
      'create',
      '--title',
      'x',
      '--period',
      '2027-Q1',
      '--question',
      'How?',
    ]);
    expect(badQuestion).toMatchObject({ code: 2 });
    expect(badQuestion.stderr).toContain('write it as rating:Your question or text:Your question');

    const open = await paved(seed.users.barbara, ['survey', 'open', created.id]);
    expect(open.code).toBe(0);
    // Payments (with Checkout below it) and Platform: 4 + 2 + 4 people.
    expect(open.stderr).toContain(
      `Opened Q1 platform survey: 10 people asked. Follow it with paved survey progress ${created.id}.`,
    );

    const progress = await paved(seed.users.barbara, ['survey', 'progress', created.id]);
    expect(progress.stderr).toContain('0 of 10 people asked have answered.');
    expect(progress.stdout).toMatch(/^payments\s+4\s+4$/m);
    expect(progress.stdout).not.toContain('checkout');

    const noYes = await paved(seed.users.barbara, ['survey', 'close', created.id]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('it never reopens.');
    expect(noYes.stderr).toContain('Add --force to go ahead.');
    expect(noYes.stderr.trim().split('\n')).toHaveLength(1);
    const declined = await typed(seed.users.barbara, ['survey', 'close', created.id], ['no']);
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Stopped; nothing was changed.');
    expect((await getSurvey(handle().db, created.id))?.state).toBe('open');
    const confirmed = await typed(seed.users.barbara, ['survey', 'close', created.id], ['yes']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.prompts).toEqual(['Type yes to close Q1 platform survey: ']);
    expect(confirmed.stderr).toContain(
      `Closed Q1 platform survey: 0 answers. Read the results with paved survey results ${created.id}.`,
    );
    const again = await paved(seed.users.barbara, ['survey', 'close', created.id, '--force']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('never reopens');
  });

  it('answers by flags, once; a second answer is refused', async () => {
    const survey = await openedSurvey(seed);
    const res = await paved(seed.users.ada, [
      'survey',
      'answer',
      survey.id,
      '--nps',
      '9',
      '--hours-lost',
      '1-2',
      '--csat',
      'deploy-pipeline=4',
      '--effort',
      'deploy-pipeline=6',
      '--comment',
      'Deploys are quick now.',
    ]);
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toContain('Thank you: your answers to Q4 platform survey are in.');
    expect(await countRows(handle().db, 'survey_participation')).toBe(1);
    expect(await countRows(handle().db, 'survey_answers')).toBe(2);
    expect(await countRows(handle().db, 'survey_ratings')).toBe(1);
    expect(await countRows(handle().db, 'survey_comments')).toBe(1);

    const twice = await paved(seed.users.ada, ['survey', 'answer', survey.id, '--nps', '3']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('You have already answered Q4 platform survey.');
    expect(await countRows(handle().db, 'survey_answers')).toBe(2);

    const bad = await paved(seed.users.grace, ['survey', 'answer', survey.id, '--nps', '11']);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toBe('paved: --nps 11: give a whole number from 0 to 10.\n');
    const notYours = await paved(seed.users.grace, [
      'survey',
      'answer',
      survey.id,
      '--csat',
      'sso=4',
    ]);
    expect(notYours.code).toBe(1);
    expect(notYours.stderr).toContain('rate only the capabilities your team is on');
  });

  it('answers from a JSON file, and says what is wrong with a file that is not JSON', async () => {
    const survey = await openedSurvey(seed);
    const dir = mkdtempSync(join(tmpdir(), 'paved-answers-'));
    const file = join(dir, 'answers.json');
    writeFileSync(
      file,
      JSON.stringify({ answers: { nps: 7, cognitiveLoad: 2, fix: 'Flaky tests' } }),
    );
    const res = await paved(seed.users.grace, [
      'survey',
      'answer',
      survey.id,
      '--answers',
      file,
      '--no-input',
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ answered: true });
    expect(await countRows(handle().db, 'survey_answers')).toBe(2);
    writeFileSync(file, 'nps=7');
    const broken = await paved(seed.users.alan, ['survey', 'answer', survey.id, '--answers', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not JSON');
  });

  it('fails at once with --no-input and no answers, naming the flags, before calling paved', async () => {
    const res = await paved(seed.users.ada, ['survey', 'answer', 'any-id', '--no-input'], {
      PAVED_URL: 'http://127.0.0.1:9',
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'paved: No answers given and --no-input is set: pass --nps, --cognitive-load, --hours-lost, --csat, --effort, --comment, --fix, --custom or --answers file.json.\n',
    );
    // Not a terminal and no answers: the same, without --no-input.
    const piped = await paved(seed.users.ada, ['survey', 'answer', 'any-id'], {
      PAVED_URL: 'http://127.0.0.1:9',
    });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('this is not a terminal');
  });

  it('asks question by question in a terminal, with plain numbered prompts when ACCESSIBLE=1', async () => {
    const survey = await openedSurvey(seed);
    const answers = [
      '11', // not on the scale: asked again
      '8', // NPS
      '', // mental effort: skipped
      '3', // hours lost: 1 to 2 hours
      '4', // Deploy pipeline: satisfaction
      '', // effort: skipped
      'Fast deploys.', // comment
      '', // fix: skipped
      'y',
    ];
    const res = await typed(seed.users.ada, ['survey', 'answer', survey.id], answers, {
      ACCESSIBLE: '1',
    });
    expect(res.code).toBe(0);
    expect(res.left).toEqual([]);
    expect(res.stderr).toContain(
      'Question 1 of 7: How likely are you to recommend the platform to a colleague?',
    );
    expect(res.stderr).toContain(
      'Type a number from 0 (not at all likely) to 10 (extremely likely), or press Enter to skip.',
    );
    expect(res.stderr).toContain('"11" is not a number from 0 to 10.');
    expect(res.stderr).toContain('Question 3 of 7: In a typical week, how many hours do you lose');
    expect(res.stderr).toContain('  1. None\n  2. Less than 1 hour\n  3. 1 to 2 hours\n');
    expect(res.stderr).toContain('Question 4 of 7: How satisfied are you with Deploy pipeline?');
    expect(res.stderr).toContain('Your answers are anonymous');
    expect(res.prompts.filter((p) => p === 'Your answer: ')).toHaveLength(7);
    // Plain lines: no colour, no cursor movement, nothing redrawn.
    expect(res.stderr.includes(String.fromCharCode(27))).toBe(false);
    expect(res.stderr.includes('\r')).toBe(false);
    expect(res.stderr).toContain('Thank you: your answers to Q4 platform survey are in.');
    expect(await countRows(handle().db, 'survey_answers')).toBe(2);
    expect(await countRows(handle().db, 'survey_ratings')).toBe(1);
    expect(await countRows(handle().db, 'survey_comments')).toBe(1);

    // Without ACCESSIBLE: compact prompts, still numbered; "n" at the end sends nothing.
    const grace = await typed(
      seed.users.grace,
      ['survey', 'answer', survey.id],
      ['9', '', '', '', '', '', '', 'n'],
      { NO_COLOR: '1' },
    );
    expect(grace.code).toBe(1);
    expect(grace.stderr).toContain(
      '1/7 How likely are you to recommend the platform to a colleague?',
    );
    expect(grace.stderr).toContain('  0 = Not at all likely … 10 = Extremely likely');
    expect(grace.prompts[0]).toBe('  [0–10, Enter to skip] ');
    expect(grace.stderr).toContain('paved: Nothing was sent.');
    expect(await countRows(handle().db, 'survey_participation')).toBe(1);

    // Someone who answered is told at once, before any question.
    const ada = await typed(seed.users.ada, ['survey', 'answer', survey.id], ['5']);
    expect(ada.code).toBe(1);
    expect(ada.prompts).toEqual([]);
    expect(ada.stderr).toContain('You have already answered Q4 platform survey.');
  });

  it('prints results exactly as the API gives them, hidden groups in UX.md’s words, within 80 columns', async () => {
    const survey = await closedSurvey(seed);
    const res = await paved(seed.users.ada, ['survey', 'results', survey.id]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('Results of Q4 platform survey (Q4 2026), by team');
    expect(res.stdout).toMatch(/NPS: 25 \(95% interval −?\d+ to \d+, 8 answers\)/);
    expect(res.stdout).toMatch(/^\s*Checkout\s+(Not shown|No answers)$/m);
    expect(res.stdout).toContain(
      'Not shown: Not shown to keep answers anonymous — too few answers',
    );
    expect(res.stdout).toContain('Comments from everyone (8)');
    expect(res.stdout).toContain('  - Comment number 3.');
    expect(fits80(res.stdout)).toBe(true);

    const json = await paved(seed.users.ada, [
      'survey',
      'results',
      survey.id,
      '--by',
      'tenure',
      '--json',
    ]);
    const api = await fetch(`${server!.url}/api/v1/surveys/${survey.id}/results?by=tenure`, {
      headers: seed.users.ada.bearer,
    });
    expect(JSON.parse(json.stdout)).toEqual(await api.json());

    const badBy = await paved(seed.users.ada, ['survey', 'results', survey.id, '--by', 'person']);
    expect(badBy.code).toBe(2);
    const open = await openedSurvey(seed, { title: 'Q1', period: '2027-Q1' });
    const early = await paved(seed.users.ada, ['survey', 'results', open.id]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('Results appear when the survey closes');
  });

  it('sends a pulse, and refuses a second one politely, saying when', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const again = dayWords(nextPulseDay(today, 30));
    const res = await paved(seed.users.ada, [
      'pulse',
      'deploy-pipeline',
      '4',
      '--touchpoint',
      'deploy',
      '--comment',
      'Smooth.',
    ]);
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toBe(
      `Thank you: your rating of deploy-pipeline is in, without your name. You can rate it again from ${again}.\n`,
    );
    const rows = await handle().db.selectFrom('pulses').selectAll().execute();
    expect(rows).toEqual([
      expect.objectContaining({ rating: 4, touchpoint: 'deploy', comment: 'Smooth.' }),
    ]);
    const second = await paved(seed.users.ada, ['pulse', 'deploy-pipeline', '2']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `you already rated Deploy pipeline recently. You can rate it again from ${again}.`,
    );
    const bad = await paved(seed.users.ada, ['pulse', 'deploy-pipeline', '9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('paved pulse deploy-pipeline 4');
    const where = await paved(seed.users.ada, [
      'pulse',
      'deploy-pipeline',
      '4',
      '--touchpoint',
      'build-7',
    ]);
    expect(where.code).toBe(2);
    const unknown = await paved(seed.users.grace, ['pulse', 'no-such-thing', '4']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no capability "no-such-thing"');
  });
});
