import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post } from '../capabilities/pages-testing.ts';
import { closedSurvey, openedSurvey, postForm, seedSurveyPages } from './pages-testing.ts';
import { getSurvey } from './store.ts';

describeEngines('survey list and management pages', (handle) => {
  it('lists surveys with whether the person answered, never what', async () => {
    const seed = await seedSurveyPages(handle());
    const closed = await closedSurvey(seed, { title: 'Q3 platform survey', period: '2026-Q3' });
    const open = await openedSurvey(seed);
    const before = await get(handle(), '/surveys', seed.users.ada);
    expect(before.status).toBe(200);
    expect(before.html).toContain('<h1>Surveys</h1>');
    expect(before.html).toContain(`<a href="/surveys/${open.id}">Answer now</a>`);
    expect(before.html).toContain(`<a href="/surveys/${closed.id}/results">Results</a>`);
    expect(before.html).toContain('<td>Q4 2026</td>');
    expect(before.html).toContain('<span class="status">Open</span>');
    // Developers do not manage surveys.
    expect(before.html).not.toContain('Create a survey');
    expect(before.html).not.toContain('Answers still missing');

    await post(handle(), `/surveys/${open.id}`, { nps: '7' }, seed.users.ada);
    const after = await get(handle(), '/surveys', seed.users.ada);
    expect(after.html).toContain('<td>You answered</td>');
    expect(after.html).not.toContain(`<a href="/surveys/${open.id}">Answer now</a>`);
  });

  it('shows the platform how many have not answered per team, only for teams with at least k invitees', async () => {
    const seed = await seedSurveyPages(handle());
    const open = await openedSurvey(seed);
    await post(handle(), `/surveys/${open.id}`, { nps: '7' }, seed.users.ada);
    await post(handle(), `/surveys/${open.id}`, { nps: '9' }, seed.users.alan);
    const page = await get(handle(), '/surveys', seed.users.barbara);
    expect(page.html).toContain('<h2 id="progress-title">Answers still missing</h2>');
    expect(page.html).toContain('2 of 10 people asked have answered.');
    // Payments (4 asked, 1 answered) and Platform (4, none); Checkout has 2 and is left out.
    expect(page.html).toMatch(/<td>Payments<\/td><td class="num">4<\/td><td class="num">3<\/td>/);
    expect(page.html).toMatch(/<td>Platform<\/td><td class="num">4<\/td><td class="num">4<\/td>/);
    expect(page.html).not.toContain('<td>Checkout</td>');
    expect(page.html).toContain(`href="/surveys/${open.id}/close"`);
  });

  it('creates a draft with a custom question marked as not comparable, after showing the problems with the input kept', async () => {
    const seed = await seedSurveyPages(handle());
    const form = await get(handle(), '/surveys/new', seed.users.barbara);
    expect(form.status).toBe(200);
    expect(form.html).toContain('<h1>Create a survey</h1>');
    expect(form.html).toContain('<strong>not comparable across periods</strong>');
    expect((await get(handle(), '/surveys/new', seed.users.ada)).status).toBe(403);

    const bad = await postForm(
      handle(),
      '/surveys',
      [
        ['title', ''],
        ['period', '2026-Q5'],
        ['audience', 'teams'],
        ['closesOn', '2026-02-30'],
        ['questions.0.prompt', 'How are the new docs?'],
        ['questions.0.kind', 'rating'],
      ],
      seed.users.barbara,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#field-title">Give the survey a title.</a>');
    expect(bad.html).toContain('<a href="#field-period">');
    expect(bad.html).toContain(
      '<a href="#field-teams">Choose at least one team, or survey everyone.</a>',
    );
    expect(bad.html).toContain('<a href="#field-closesOn">Use a date like 2026-12-12.</a>');
    expect(bad.html).toContain('id="field-teams"');
    expect(bad.html).toContain('value="2026-Q5"');
    expect(bad.html).toContain('value="How are the new docs?"');
    expect(bad.html).toContain('name="audience" value="teams" checked=""');
    expect(await countRows(handle().db, 'surveys')).toBe(0);

    const res = await postForm(
      handle(),
      '/surveys',
      [
        ['title', 'Q1 platform survey'],
        ['period', '2027-Q1'],
        ['audience', 'teams'],
        ['teams', seed.org.teams.payments!],
        ['teams', seed.org.teams.platform!],
        ['opensOn', ''],
        ['closesOn', ''],
        ['questions.0.prompt', ''],
        ['questions.1.prompt', 'How are the new docs?'],
        ['questions.1.kind', 'rating'],
        ['questions.1.required', 'yes'],
      ],
      seed.users.barbara,
    );
    expect(res.status).toBe(303);
    const id = /^\/surveys\/([^/?]+)\?done=created$/.exec(res.location ?? '')?.[1];
    expect(id).toBeTruthy();
    const survey = await getSurvey(handle().db, id!);
    expect(survey).toMatchObject({
      title: 'Q1 platform survey',
      period: '2027-Q1',
      state: 'draft',
      audience: 'teams',
      questions: [
        expect.objectContaining({
          prompt: 'How are the new docs?',
          kind: 'rating',
          required: true,
        }),
      ],
    });
    expect([...survey!.teamIds].sort()).toEqual(
      [seed.org.teams.payments!, seed.org.teams.platform!].sort(),
    );
    const draft = await get(handle(), res.location!, seed.users.barbara);
    expect(draft.html).toContain('The draft survey is saved.');
    expect(draft.html).toContain('Its own questions (not comparable across periods)');
    expect(draft.html).toContain('Payments, Platform');
    // Drafts are for the platform team only.
    expect((await get(handle(), `/surveys/${id}`, seed.users.ada)).status).toBe(404);

    const edit = await get(handle(), `/surveys/${id}/edit`, seed.users.barbara);
    expect(edit.html).toContain('value="How are the new docs?"');
    expect(edit.html).toContain(`name="teams" value="${seed.org.teams.payments}" checked=""`);
    const saved = await postForm(
      handle(),
      `/surveys/${id}/edit`,
      [
        ['title', 'Q1 survey'],
        ['period', '2027-Q1'],
        ['audience', 'all'],
      ],
      seed.users.barbara,
    );
    expect(saved.status).toBe(303);
    expect(await getSurvey(handle().db, id!)).toMatchObject({
      title: 'Q1 survey',
      audience: 'all',
      teamIds: [],
      questions: [],
    });
  });

  it('opens a draft from a page that says what cannot be undone, and refuses an audience too small', async () => {
    const seed = await seedSurveyPages(handle());
    const small = await postForm(
      handle(),
      '/surveys',
      [
        ['title', 'Checkout check-in'],
        ['period', '2026-Q4'],
        ['audience', 'teams'],
        ['teams', seed.org.teams.checkout!],
      ],
      seed.users.barbara,
    );
    const id = /^\/surveys\/([^/?]+)/.exec(small.location!)![1]!;
    const confirm = await get(handle(), `/surveys/${id}/open`, seed.users.barbara);
    expect(confirm.html).toContain('<h1>Open Checkout check-in?</h1>');
    expect(confirm.html).toContain('cannot be lowered for it later');
    const refused = await post(handle(), `/surveys/${id}/open`, {}, seed.users.barbara);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(
      '<a href="#field-open">The audience has 2 people; a survey asks at least 3, so nobody is surveyed nearly alone. Add teams.</a>',
    );
    expect((await getSurvey(handle().db, id))?.state).toBe('draft');

    await postForm(
      handle(),
      `/surveys/${id}/edit`,
      [
        ['title', 'Checkout check-in'],
        ['period', '2026-Q4'],
        ['audience', 'all'],
      ],
      seed.users.barbara,
    );
    const opened = await post(handle(), `/surveys/${id}/open`, {}, seed.users.barbara);
    expect(opened).toMatchObject({ status: 303, location: '/surveys?done=opened' });
    expect(await getSurvey(handle().db, id)).toMatchObject({ state: 'open', invited: 10, k: 3 });
    // An open survey is not a draft any more.
    expect((await get(handle(), `/surveys/${id}/edit`, seed.users.barbara)).status).toBe(409);
    expect((await post(handle(), `/surveys/${id}/open`, {}, seed.users.ada)).status).toBe(403);
  });

  it('closes a survey only after a confirmation page, and a closed survey never reopens', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    await post(handle(), `/surveys/${survey.id}`, { nps: '10' }, seed.users.ada);
    const confirm = await get(handle(), `/surveys/${survey.id}/close`, seed.users.barbara);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Close Q4 platform survey?</h1>');
    expect(confirm.html).toContain('a closed survey never reopens');
    expect(confirm.html).toContain('1 of the 10 people asked have answered.');
    expect(confirm.html).toMatch(
      /<button type="submit" class="danger">Close Q4 platform survey<\/button>/,
    );
    expect((await get(handle(), `/surveys/${survey.id}/close`, seed.users.ada)).status).toBe(403);
    expect((await post(handle(), `/surveys/${survey.id}/close`, {}, seed.users.ada)).status).toBe(
      403,
    );
    expect((await getSurvey(handle().db, survey.id))?.state).toBe('open');

    const res = await post(handle(), `/surveys/${survey.id}/close`, {}, seed.users.barbara);
    expect(res).toMatchObject({
      status: 303,
      location: `/surveys/${survey.id}/results?done=closed`,
    });
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
    const again = await post(handle(), `/surveys/${survey.id}/close`, {}, seed.users.barbara);
    expect(again.status).toBe(409);
    expect(again.html).toContain('a closed survey never reopens');
    expect(
      (await post(handle(), `/surveys/${survey.id}/open`, {}, seed.users.barbara)).status,
    ).toBe(409);
  });

  it('says plainly why no reminder went out when email is not configured', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const res = await post(handle(), `/surveys/${survey.id}/remind`, {}, seed.users.barbara);
    expect(res.status).toBe(409);
    expect(res.html).toContain('Email is not configured (PAVED_SMTP_URL)');
  });
});
