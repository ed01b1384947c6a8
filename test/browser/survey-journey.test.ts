import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createUser, getUserByEmail } from '../../src/identity/store.ts';
import { describeWithBrowser, TEST_MS } from './harness.ts';
import { countMouseEvents } from './journey-kit.ts';

// Answering the open survey end to end, as developers do: once with
// JavaScript disabled (mouse and forms only), once by keyboard alone
// (Tab, Space, arrows, Enter; no mouse events). Both reach the thank-you
// page, and the answer is counted.

describeWithBrowser('survey journeys', (suite) => {
  /** The survey's stored participation (hashes) and NPS answers of one value. */
  async function counts(surveyId: string, nps: number) {
    const db = suite().database.db;
    const participation = await db
      .selectFrom('survey_participation')
      .select(db.fn.countAll<number>().as('n'))
      .where('survey_id', '=', surveyId)
      .executeTakeFirstOrThrow();
    const answers = await db
      .selectFrom('survey_answers')
      .select(db.fn.countAll<number>().as('n'))
      .where('survey_id', '=', surveyId)
      .where('question', '=', 'nps')
      .where('value', '=', nps)
      .executeTakeFirstOrThrow();
    return { participation: Number(participation.n), answers: Number(answers.n) };
  }

  async function accountFor(email: string, name: string): Promise<string> {
    const db = suite().database.db;
    const existing = await getUserByEmail(db, email);
    if (existing) return existing.id;
    return (await createUser(db, { email, name, role: 'developer', passwordHash: null })).id;
  }

  it(
    'answers with JavaScript disabled: from the home banner, past the error summary, to the thank-you page',
    async () => {
      const surveyId = suite().seed.params.openSurveyId!;
      const before = await counts(surveyId, 9);
      const userId = await accountFor('alan.turing@example.test', 'Alan Turing');
      const page = await suite().openPage({ userId }, { javaScriptEnabled: false });
      await page.goto(`${suite().url}/`, { waitUntil: 'load' });
      const banner = page.getByRole('link', {
        name: /^Q4 platform survey — 4 minutes — closes /,
      });
      await Promise.all([page.waitForURL(`${suite().url}/surveys/${surveyId}`), banner.click()]);
      expect(await page.locator('h1').textContent()).toBe('Q4 platform survey');

      // Sending nothing: the error summary on top, linking to where to answer.
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Send my answers' }).click(),
      ]);
      const summary = page.getByRole('alert');
      expect(await summary.textContent()).toContain('Answer at least one question');

      const nps = page.getByRole('group', {
        name: 'How likely are you to recommend the platform to a colleague?',
      });
      await nps.getByRole('radio', { name: '9', exact: true }).check();
      await page
        .getByRole('group', { name: /how many hours do you lose/ })
        .getByRole('radio', { name: '1 to 2 hours' })
        .check();
      await page
        .getByLabel('Anything else you want the platform team to know? (optional)')
        .fill('The new deploy page is clear.');
      await Promise.all([
        page.waitForURL(`${suite().url}/surveys/${surveyId}/thanks`),
        page.getByRole('button', { name: 'Send my answers' }).click(),
      ]);
      expect(await page.locator('h1').textContent()).toBe('Thank you: your answers are in');

      const after = await counts(surveyId, 9);
      expect(after.participation).toBe(before.participation + 1);
      expect(after.answers).toBe(before.answers + 1);

      // Coming back says only that they answered.
      await page.goto(`${suite().url}/surveys/${surveyId}`, { waitUntil: 'load' });
      expect(await page.locator('h1').textContent()).toBe('You answered this survey');
      expect(await page.content()).not.toContain('The new deploy page is clear.');
      await page.context().close();
    },
    TEST_MS,
  );

  /** Presses Tab until the focused element passes `test`; fails after `max` presses. */
  async function tabTo(
    page: Page,
    test: (el: { tag: string; name: string; type: string; text: string }) => boolean,
    max = 80,
  ) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const el = await page.evaluate(() => {
        const a = document.activeElement as HTMLInputElement | null;
        return {
          tag: a?.tagName.toLowerCase() ?? '',
          name: a?.getAttribute('name') ?? '',
          type: a?.getAttribute('type') ?? '',
          text: a?.textContent?.trim() ?? '',
        };
      });
      if (test(el)) return el;
    }
    throw new Error('Tab never reached the element');
  }

  const checked = (page: Page, name: string) =>
    page.evaluate(
      (n) =>
        (document.querySelector(`input[name="${n}"]:checked`) as HTMLInputElement | null)?.value ??
        null,
      name,
    );

  it(
    'answers by keyboard alone: Tab into each radio group, Space and arrows to choose, Enter to send',
    async () => {
      const surveyId = suite().seed.params.openSurveyId!;
      const before = await counts(surveyId, 8);
      const userId = await accountFor('grace.hopper@example.test', 'Grace Hopper');
      const page = await suite().openPage({ userId });
      const mouseEvents = await countMouseEvents(page);
      await page.goto(`${suite().url}/surveys/${surveyId}`, { waitUntil: 'load' });

      // NPS: Tab lands on the group's first radio; Space chooses 0; eight Right arrows reach 8.
      await tabTo(page, (el) => el.name === 'nps');
      await page.keyboard.press('Space');
      expect(await checked(page, 'nps')).toBe('0');
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
      expect(await checked(page, 'nps')).toBe('8');

      // Tab leaves the group for the next one: mental effort, 2 of 5.
      await tabTo(page, (el) => el.name === 'cognitiveLoad');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowRight');
      expect(await checked(page, 'cognitiveLoad')).toBe('2');

      // Hours lost: a list of choices; Down moves to the next one.
      await tabTo(page, (el) => el.name === 'hoursLost');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      expect(await checked(page, 'hoursLost')).toBe('under-1');

      await tabTo(page, (el) => el.name === 'comment');
      await page.keyboard.type('Answered without a mouse.');

      await tabTo(page, (el) => el.tag === 'button' && el.text === 'Send my answers');
      await Promise.all([
        page.waitForURL(`${suite().url}/surveys/${surveyId}/thanks`),
        page.keyboard.press('Enter'),
      ]);
      expect(await page.locator('h1').textContent()).toBe('Thank you: your answers are in');
      expect(mouseEvents()).toBe(0);

      const after = await counts(surveyId, 8);
      expect(after.participation).toBe(before.participation + 1);
      expect(after.answers).toBe(before.answers + 1);
      await page.context().close();
    },
    TEST_MS,
  );
});
