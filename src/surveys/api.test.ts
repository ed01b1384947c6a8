import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { startSmtpServer } from '../../test/smtp.ts';
import { disclosureProblems } from './anonymity-testing.ts';
import { capabilityFor, seedSurveyOrg } from './testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;

describeEngines('surveys API', (handle) => {
  async function call(
    method: string,
    path: string,
    user?: TestUser,
    body?: unknown,
    env: Record<string, string> = {},
  ) {
    const headers: Record<string, string> = { ...(user?.bearer ?? {}) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await testApp(handle(), env).request(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      text,
      body: (type.includes('json') && text ? JSON.parse(text) : undefined) as Json,
    };
  }
  const paths = (body: Json) => (body.errors ?? []).map((e: { path: string }) => e.path);

  /** 30 people (Payments 12, Platform 12, Tiny 6 under Engineering); users for a few. */
  async function setup() {
    const org = await seedSurveyOrg(handle(), [
      { slug: 'engineering', people: 0 },
      { slug: 'payments', parent: 'engineering', people: 12 },
      { slug: 'platform', parent: 'engineering', people: 12 },
      { slug: 'tiny', parent: 'engineering', people: 6 },
    ]);
    await capabilityFor(handle().db, 'deploy-pipeline', [org.teams.payments!]);
    const users: Record<string, TestUser> = {};
    for (const p of org.all) users[p.email] = await signIn(handle(), 'developer', p.email);
    return {
      org,
      users,
      ada: users['payments.0@example.test']!,
      platform: await signIn(handle(), 'platform', 'pm@example.test'),
      outsider: await signIn(handle(), 'developer', 'nobody@example.test'),
    };
  }

  async function openSurvey(platform: TestUser, body: Json = {}, env: Record<string, string> = {}) {
    const created = await call('POST', '/surveys', platform, {
      title: 'Q4 platform survey',
      period: '2026-Q4',
      ...body,
    });
    expect(created.status).toBe(201);
    const opened = await call('POST', `/surveys/${created.body.id}/open`, platform, undefined, env);
    expect(opened.status).toBe(200);
    return opened.body;
  }

  it('creates, edits, lists and deletes drafts; developers never see drafts', async () => {
    const s = await setup();
    const created = await call('POST', '/surveys', s.platform, {
      title: 'Q4',
      period: '2026-Q4',
      audience: 'teams',
      teams: ['payments', 'platform'],
      closesOn: '2027-01-15',
      questions: [{ kind: 'rating', prompt: 'How good are the docs?' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'draft',
      audience: 'teams',
      teams: ['payments', 'platform'].sort(),
      k: null,
      questions: [{ kind: 'rating', prompt: 'How good are the docs?', comparable: false }],
    });
    const id = created.body.id;
    expect(
      (await call('PATCH', `/surveys/${id}`, s.platform, { title: 'Q4 survey' })).body.title,
    ).toBe('Q4 survey');
    expect((await call('GET', '/surveys', s.platform)).body.items.map((i: Json) => i.id)).toEqual([
      id,
    ]);
    expect((await call('GET', '/surveys', s.ada)).body.items).toEqual([]);
    expect((await call('GET', `/surveys/${id}`, s.ada)).status).toBe(404);
    expect((await call('POST', '/surveys', s.ada, { title: 'x', period: '2026-Q4' })).status).toBe(
      403,
    );
    expect((await call('DELETE', `/surveys/${id}`, s.platform)).status).toBe(204);
    expect((await call('GET', `/surveys/${id}`, s.platform)).status).toBe(404);
  });

  it('answers bad input with problem+json naming each field', async () => {
    const s = await setup();
    const bad = await call('POST', '/surveys', s.platform, {
      title: '',
      period: '2026-Q5',
      audience: 'some',
      questions: [{ kind: 'essay', prompt: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(paths(bad.body)).toEqual(
      expect.arrayContaining(['title', 'period', 'audience', 'questions.0.kind']),
    );
    const team = await call('POST', '/surveys', s.platform, {
      title: 'x',
      period: '2026-Q4',
      audience: 'teams',
      teams: ['nope'],
    });
    expect(paths(team.body)).toEqual(['teams.0']);
    const dates = await call('POST', '/surveys', s.platform, {
      title: 'x',
      period: '2026-Q4',
      opensOn: '2026-12-10',
      closesOn: '2026-12-01',
    });
    expect(paths(dates.body)).toEqual(['closesOn']);
    const notJson = await call('POST', '/surveys', s.platform, '{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.type).toContain('application/problem+json');
    const survey = await openSurvey(s.platform);
    const answers = await call('POST', `/surveys/${survey.id}/responses`, s.ada, {
      answers: {
        nps: 11,
        hoursLost: 'lots',
        capabilities: { 'deploy-pipeline': { csat: 9 } },
        extra: 1,
      },
    });
    expect(answers.status).toBe(400);
    expect(paths(answers.body)).toEqual(
      expect.arrayContaining([
        'answers.nps',
        'answers.hoursLost',
        'answers.capabilities.deploy-pipeline.csat',
      ]),
    );
    const unknownCapability = await call('POST', `/surveys/${survey.id}/responses`, s.ada, {
      answers: { capabilities: { 'secrets-manager': { csat: 4 } } },
    });
    expect(paths(unknownCapability.body)).toEqual(['answers.capabilities.secrets-manager']);
    const empty = await call('POST', `/surveys/${survey.id}/responses`, s.ada, { answers: {} });
    expect(paths(empty.body)).toEqual(['answers']);
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
    expect(
      (await call('GET', `/surveys/${survey.id}/results?by=month`, s.ada)).body.errors[0].path,
    ).toBe('by');
    expect((await call('GET', '/surveys?state=finished', s.platform)).status).toBe(400);
  });

  it('runs the whole campaign: open with invitations, form, answer once, progress, remind, close, results and export', async () => {
    const s = await setup();
    const smtp = await startSmtpServer();
    const env = { PAVED_SMTP_URL: smtp.url };
    try {
      const survey = await openSurvey(s.platform, {}, env);
      expect(survey).toMatchObject({ state: 'open', k: 5, kComment: 10, invited: 30 });
      expect(smtp.messages).toHaveLength(30);
      expect(smtp.messages[0]!.raw).toContain(`/surveys/${survey.id}`);

      const form = await call('GET', `/surveys/${survey.id}/form`, s.ada);
      expect(form.body.answered).toBe(false);
      expect(form.body.questions.capabilities.map((c: Json) => c.slug)).toEqual([
        'deploy-pipeline',
      ]);
      expect(form.body.questions.nps).toMatchObject({
        min: 0,
        max: 10,
        minLabel: 'Not at all likely',
      });

      // Everyone in Payments and Platform answers, Tiny does not.
      for (const [email, user] of Object.entries(s.users)) {
        if (email.startsWith('tiny')) continue;
        const res = await call('POST', `/surveys/${survey.id}/responses`, user, {
          answers: {
            nps: email.startsWith('payments') ? 9 : 6,
            comment: `a comment from ${email.split('.')[0]}`,
            ...(email.startsWith('payments')
              ? { capabilities: { 'deploy-pipeline': { csat: 5, effort: null } } }
              : {}),
          },
        });
        expect(res.status).toBe(201);
      }
      const again = await call('POST', `/surveys/${survey.id}/responses`, s.ada, {
        answers: { nps: 0 },
      });
      expect(again.status).toBe(409);
      expect(again.body.detail).toMatch(/already answered/);
      expect((await call('GET', `/surveys/${survey.id}`, s.ada)).body).toMatchObject({
        answered: true,
        youAreInvited: true,
      });
      expect(
        (await call('POST', `/surveys/${survey.id}/responses`, s.outsider, { answers: { nps: 5 } }))
          .status,
      ).toBe(403);

      const progress = await call('GET', `/surveys/${survey.id}/progress`, s.platform);
      expect(progress.body).toEqual({
        invited: 30,
        answered: 24,
        teams: [
          { team: 'payments', invited: 12, notAnswered: 0 },
          { team: 'platform', invited: 12, notAnswered: 0 },
          { team: 'tiny', invited: 6, notAnswered: 6 },
        ],
      });
      expect((await call('GET', `/surveys/${survey.id}/progress`, s.ada)).status).toBe(403);
      expect((await call('GET', `/surveys/${survey.id}/results`, s.ada)).status).toBe(409);

      const before = smtp.messages.length;
      const remind = await call('POST', `/surveys/${survey.id}/remind`, s.platform, undefined, env);
      expect(remind.body).toEqual({ sent: 6 });
      const reminded = smtp.messages.slice(before).flatMap((m) => m.to);
      expect(reminded.sort()).toEqual(
        Object.keys(s.users)
          .filter((e) => e.startsWith('tiny'))
          .sort(),
      );
      expect(
        (await call('POST', `/surveys/${survey.id}/remind`, s.platform, undefined, env)).status,
      ).toBe(409);

      const closed = await call('POST', `/surveys/${survey.id}/close`, s.platform);
      expect(closed.body).toMatchObject({ state: 'closed', responded: 24 });
      expect((await call('POST', `/surveys/${survey.id}/open`, s.platform)).status).toBe(409);
      expect((await call('POST', `/surveys/${survey.id}/close`, s.platform)).status).toBe(409);
      expect(
        (
          await call('POST', `/surveys/${survey.id}/responses`, s.users['tiny.0@example.test'], {
            answers: { nps: 5 },
          })
        ).status,
      ).toBe(409);

      const results = await call('GET', `/surveys/${survey.id}/results?by=team`, s.ada);
      expect(results.status).toBe(200);
      const byKey = Object.fromEntries(results.body.cuts.map((c: Json) => [c.key, c]));
      expect(byKey.all).toMatchObject({
        status: 'shown',
        respondents: 24,
        nps: { status: 'shown', score: 0, n: 24 },
      });
      expect(byKey['team:payments']).toMatchObject({ respondents: 12, nps: { score: 100 } });
      expect(byKey['team:platform'].nps).toMatchObject({ score: -100 });
      expect(byKey['team:tiny'].status).toBe('empty');
      expect(byKey['team:payments'].capabilities[0]).toMatchObject({
        capability: 'deploy-pipeline',
        csat: { status: 'shown', value: 100 },
        effort: { status: 'empty' },
      });
      expect(byKey['team:payments'].comments).toMatchObject({ status: 'shown' });
      expect(byKey['team:payments'].responseRate).toEqual({
        value: 100,
        responded: 12,
        invited: 12,
      });
      const problems = disclosureProblems(
        results.body.cuts.map((c: Json) => ({
          key: c.key,
          parent: c.parent,
          status: c.status,
          n: c.respondents,
        })),
        5,
      );
      expect(problems).toEqual([]);

      const csv = await call('GET', `/surveys/${survey.id}/export.csv?by=tenure`, s.ada);
      expect(csv.status).toBe(200);
      expect(csv.type).toContain('text/csv');
      expect(csv.text.split('\r\n')[0]).toBe(
        'dimension,cut,parent,metric,item,status,n,value,low,high,mean,text',
      );
      expect(csv.text).toContain('tenure,Everyone,,nps,,shown,24,0,');
    } finally {
      await smtp.stop();
    }
  });

  it('documents every surveys and pulses route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const keys = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /surveys',
        'POST /surveys',
        'GET /surveys/{id}',
        'PATCH /surveys/{id}',
        'DELETE /surveys/{id}',
        'POST /surveys/{id}/open',
        'POST /surveys/{id}/close',
        'POST /surveys/{id}/remind',
        'GET /surveys/{id}/progress',
        'GET /surveys/{id}/form',
        'POST /surveys/{id}/responses',
        'GET /surveys/{id}/results',
        'GET /surveys/{id}/export.csv',
        'POST /pulses',
        'GET /pulses/status',
        'PUT /pulses/silence',
        'GET /pulses/results',
      ]),
    );
  });

  it('takes pulses, refuses a second with when to come back, and reports completed months', async () => {
    const s = await setup();
    const first = await call('POST', '/pulses', s.ada, {
      capability: 'deploy-pipeline',
      rating: 4,
      touchpoint: 'deploy',
    });
    expect(first.status).toBe(201);
    const second = await call('POST', '/pulses', s.ada, {
      capability: 'deploy-pipeline',
      rating: 2,
    });
    expect(second.status).toBe(409);
    expect(second.body.detail).toMatch(/rate it again from/);
    const bad = await call('POST', '/pulses', s.ada, {
      capability: 'deploy-pipeline',
      rating: 0,
      touchpoint: 'run-42',
      team: 'x',
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(expect.arrayContaining(['rating', 'touchpoint']));
    expect(
      paths((await call('POST', '/pulses', s.ada, { capability: 'nope', rating: 3 })).body),
    ).toEqual(['capability']);
    const status = await call('GET', '/pulses/status?capability=deploy-pipeline', s.ada);
    expect(status.body).toMatchObject({
      capability: 'deploy-pipeline',
      silenced: false,
      nextOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect((await call('PUT', '/pulses/silence', s.ada, { silenced: true })).body).toEqual({
      silenced: true,
    });
    expect(
      (await call('GET', '/pulses/status?capability=deploy-pipeline', s.ada)).body.silenced,
    ).toBe(true);
    expect(paths((await call('PUT', '/pulses/silence', s.ada, { silenced: 'yes' })).body)).toEqual([
      'silenced',
    ]);
    const results = await call(
      'GET',
      '/pulses/results?capability=deploy-pipeline&period=2026-Q4',
      s.ada,
    );
    expect(results.status).toBe(200);
    // Only this month has a pulse, and the current month is never shown.
    expect(results.body.cuts.every((c: Json) => c.rating.status !== 'shown')).toBe(true);
    expect(
      paths(
        (await call('GET', '/pulses/results?capability=deploy-pipeline&period=Q4', s.ada)).body,
      ),
    ).toEqual(['period']);
    expect(
      (await call('POST', '/pulses', undefined, { capability: 'deploy-pipeline', rating: 4 }))
        .status,
    ).toBe(401);
  });
});
