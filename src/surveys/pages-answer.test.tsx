import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post } from '../capabilities/pages-testing.ts';
import { relativeTime } from '../core/ui/components.tsx';
import { shortDate } from './pages-shared.tsx';
import { closedSurvey, openedSurvey, seedSurveyPages } from './pages-testing.ts';

describeEngines('survey answer pages', (handle) => {
  it('shows one page of questions: NPS as a radio group with labelled ends, the team’s capabilities, and what anonymity means', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const page = await get(handle(), `/surveys/${survey.id}`, seed.users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Q4 platform survey</h1>');
    // NPS: a fieldset whose legend is the question, eleven radios, the ends in words.
    expect(page.html).toMatch(
      /<fieldset class="field scale" aria-describedby="field-answers.nps-hint"><legend>How likely are you to recommend the platform to a colleague\?<\/legend>/,
    );
    for (let v = 0; v <= 10; v++) {
      expect(page.html).toContain(`name="nps" value="${v}"`);
    }
    expect(page.html).toContain(
      '<input type="radio" id="field-answers.nps" name="nps" value="0"/><label for="field-answers.nps"><span class="scale-value">0</span><span class="scale-end">Not at all likely</span></label>',
    );
    expect(page.html).toContain(
      '<span class="scale-value">10</span><span class="scale-end">Extremely likely</span>',
    );
    // Payments adopted the deploy pipeline: satisfaction 1–5 and effort 1–7.
    expect(page.html).toContain('<h3 id="cap-deploy-pipeline">Deploy pipeline</h3>');
    expect(page.html).toContain('How satisfied are you with Deploy pipeline?');
    expect(page.html).toContain('name="effort.deploy-pipeline" value="7"');
    expect(page.html).not.toContain('name="effort.deploy-pipeline" value="8"');
    expect(page.html).toContain('In a typical week, how many hours do you lose');
    expect(page.html).toContain('name="hoursLost" value="over-8"');
    expect(page.html).toContain('What one thing should the platform fix? (optional)');
    expect(page.html).toContain('How your answers stay anonymous');
    expect(page.html).toContain('only for groups of at least 3 people');
    expect(page.html).toContain('<button type="submit">Send my answers</button>');
    expect(page.html).not.toContain('<script');

    // Checkout has no capability of its own: no capability section.
    const alan = await get(handle(), `/surveys/${survey.id}`, seed.users.alan);
    expect(alan.html).not.toContain('The capabilities your team uses');
  });

  it('keeps the input and links each problem to its field, and stores nothing', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const res = await post(
      handle(),
      `/surveys/${survey.id}`,
      {
        nps: '11',
        cognitiveLoad: '2',
        hoursLost: '2-4',
        'csat.deploy-pipeline': '4',
        comment: 'Builds are slow on Mondays.',
      },
      seed.users.ada,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('<title>Error: Q4 platform survey — paved</title>');
    expect(res.html).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(res.html).toContain(
      '<a href="#field-answers.nps">Choose a whole number from 0 to 10.</a>',
    );
    expect(res.html).toContain('id="field-answers.nps-error"');
    expect(res.html).toContain('aria-describedby="field-answers.nps-hint field-answers.nps-error"');
    // What was given is still chosen.
    expect(res.html).toContain('name="cognitiveLoad" value="2" checked=""');
    expect(res.html).toContain('name="hoursLost" value="2-4" checked=""');
    expect(res.html).toContain('name="csat.deploy-pipeline" value="4" checked=""');
    expect(res.html).toContain('Builds are slow on Mondays.</textarea>');
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
    expect(await countRows(handle().db, 'survey_answers')).toBe(0);

    const empty = await post(handle(), `/surveys/${survey.id}`, { nps: '' }, seed.users.ada);
    expect(empty.status).toBe(400);
    expect(empty.html).toContain(
      '<a href="#field-answers">Answer at least one question; every question is optional, but not all of them.</a>',
    );
    expect(empty.html).toContain('<p id="field-answers" tabindex="-1" class="error-text">');
  });

  it('stores an answer, says thank you after a 303, and later says only that the person answered', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const res = await post(
      handle(),
      `/surveys/${survey.id}`,
      {
        nps: '9',
        cognitiveLoad: '2',
        hoursLost: '1-2',
        'csat.deploy-pipeline': '5',
        'effort.deploy-pipeline': '6',
        comment: 'The new runners are fast.',
        fix: '',
      },
      seed.users.ada,
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/surveys/${survey.id}/thanks`);
    expect(await countRows(handle().db, 'survey_participation')).toBe(1);
    expect(await countRows(handle().db, 'survey_answers')).toBe(3);
    expect(await countRows(handle().db, 'survey_ratings')).toBe(1);
    expect(await countRows(handle().db, 'survey_comments')).toBe(1);

    const thanks = await get(handle(), res.location!, seed.users.ada);
    expect(thanks.status).toBe(200);
    expect(thanks.html).toContain('<h1>Thank you: your answers are in</h1>');

    const again = await get(handle(), `/surveys/${survey.id}`, seed.users.ada);
    expect(again.html).toContain('<h1>You answered this survey</h1>');
    expect(again.html).not.toContain('The new runners are fast.');
    expect(again.html).not.toContain('name="nps"');

    const twice = await post(handle(), `/surveys/${survey.id}`, { nps: '3' }, seed.users.ada);
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('<h1>You answered this survey</h1>');
    expect(twice.html).toContain('Your second answer was not stored.');
    expect(await countRows(handle().db, 'survey_answers')).toBe(3);

    // Someone who has not answered is sent back to the form from the thank-you page.
    const early = await get(handle(), `/surveys/${survey.id}/thanks`, seed.users.grace);
    expect(early.status).toBe(303);
  });

  it('tells people outside the audience, and refuses their answers', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed, {
      audience: 'teams',
      teamIds: [seed.org.teams.payments!],
    });
    const page = await get(handle(), `/surveys/${survey.id}`, seed.users.barbara);
    expect(page.html).toContain('<h1>Q4 platform survey does not ask you</h1>');
    const forced = await post(handle(), `/surveys/${survey.id}`, { nps: '9' }, seed.users.outsider);
    expect(forced.status).toBe(403);
    expect(await countRows(handle().db, 'survey_answers')).toBe(0);
  });

  it('sends closed surveys to their results and refuses late answers with a 409', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await closedSurvey(seed);
    const page = await get(handle(), `/surveys/${survey.id}`, seed.users.grace);
    expect(page.html).toContain('<h1>Q4 platform survey has closed</h1>');
    expect(page.html).toContain(`href="/surveys/${survey.id}/results"`);
    const late = await post(handle(), `/surveys/${survey.id}`, { nps: '9' }, seed.users.barbara);
    expect(late.status).toBe(409);
    expect(late.html).toContain('so yours was not stored');
  });

  it('puts the survey on the home page until the person answers', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const home = await get(handle(), '/', seed.users.ada);
    expect(home.html).toContain('A survey asks for you');
    // "in 14 days" in the morning, "in 13 days" after noon (UTC): the title rounds to whole days.
    expect(home.html).toMatch(
      new RegExp(
        `<a href="/surveys/${survey.id}">Q4 platform survey — 4 minutes — closes <time datetime="${survey.closesOn}" title="${relativeTime(survey.closesOn!)}">${shortDate(survey.closesOn!)}</time></a>`,
      ),
    );
    await post(handle(), `/surveys/${survey.id}`, { nps: '8' }, seed.users.ada);
    expect((await get(handle(), '/', seed.users.ada)).html).not.toContain('A survey asks for you');
    // Not in the audience: no banner.
    expect((await get(handle(), '/', seed.users.outsider)).html).not.toContain(
      'A survey asks for you',
    );
  });
});

it('writes a banner date as "12 Dec" this year and with the year otherwise', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  expect(shortDate('2026-12-12', now)).toBe('12 Dec');
  expect(shortDate('2027-01-05', now)).toBe('5 Jan 2027');
});
