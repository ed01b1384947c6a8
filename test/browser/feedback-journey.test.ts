import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { createMailer } from '../../src/core/mail.ts';
import { deliverEmails } from '../../src/notifications/email.ts';
import { startSmtpServer } from '../smtp.ts';
import { describeWithBrowser, TEST_MS } from './harness.ts';

// The loop feedback promises to close, in a real browser with JavaScript off:
// a developer posts, another person votes, the platform ships it with a note,
// and both find it in their inbox (the developer by email too).

describeWithBrowser('feedback journey', (suite) => {
  /** A page without JavaScript, signed in as the given account. */
  const as = (userId: string): Promise<Page> =>
    suite().openPage({ userId }, { javaScriptEnabled: false });

  /** Clicks a submit button and waits for the page the POST leads to. */
  async function submit(page: Page, button: string): Promise<void> {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
  }

  it(
    'posts, votes, ships with a note, and tells both people in their inbox and by email',
    async () => {
      const { url, seed, database } = suite();
      const developer = seed.params.developerId!;
      const voter = seed.leaderId;
      const platform = seed.adminId;

      // A developer posts a problem about the deploy pipeline, by name.
      const alan = await as(developer);
      await alan.goto(`${url}/feedback/new`);
      await alan.getByLabel('Problem', { exact: true }).check();
      await alan
        .getByLabel('Title', { exact: true })
        .fill('Staging deploys fail on Monday mornings');
      await alan
        .getByLabel('Description (optional)')
        .fill('The first deploy of the week times out **every time**.');
      await alan
        .getByLabel('Which capability is it about?')
        .selectOption({ label: 'Deploy pipeline' });
      await submit(alan, 'Post your feedback');
      expect(alan.url()).toMatch(/\/feedback\/[^/?]+\?done=posted$/);
      expect(await alan.locator('h1').textContent()).toBe(
        'Staging deploys fail on Monday mornings',
      );
      await expect(alan.getByRole('status').textContent()).resolves.toContain('Thank you');
      const itemPath = new URL(alan.url()).pathname;
      // They want every update by email, as it happens.
      await alan.goto(`${url}/inbox`);
      await alan.getByLabel('Every update as it happens').check();
      await submit(alan, 'Save how updates reach you');
      await expect(alan.getByRole('status').textContent()).resolves.toContain('saved');

      // Someone else finds it and votes: voting follows the item.
      const frances = await as(voter);
      await frances.goto(`${url}${itemPath}`);
      await submit(frances, 'Vote for this');
      await expect(frances.getByRole('status').textContent()).resolves.toContain(
        'Your vote counts.',
      );
      expect(await frances.locator('dl.facts').textContent()).toContain('1, yours included');

      // The platform team plans it, starts it and ships it, each with a public note.
      const barbara = await as(platform);
      for (const [status, note] of [
        ['Planned', 'We will add a warm-up run on Monday mornings.'],
        ['In progress', 'The warm-up run is being tested.'],
        ['Shipped', 'Shipped: a warm-up run now starts at 7:00 every Monday.'],
      ] as const) {
        await barbara.goto(`${url}${itemPath}`);
        await barbara.getByLabel('New status', { exact: true }).selectOption({ label: status });
        await barbara.getByLabel('Public note', { exact: true }).fill(note);
        await submit(barbara, 'Change the status');
        await expect(barbara.getByRole('status').textContent()).resolves.toContain(
          'The status is changed',
        );
      }
      expect(await barbara.locator('dl.facts .status').first().textContent()).toBe('Shipped');

      // Both find the news in their inbox, counted in the header.
      for (const page of [alan, frances]) {
        await page.goto(`${url}/inbox`);
        expect(await page.getByRole('link', { name: /^Inbox \(\d+ unread\)$/ }).count()).toBe(1);
        const shipped = page.getByRole('link', {
          name: 'Staging deploys fail on Monday mornings: shipped',
        });
        expect(await shipped.count()).toBe(1);
        expect(await page.locator('ol.inbox').textContent()).toContain(
          'a warm-up run now starts at 7:00 every Monday',
        );
      }

      // And the developer gets the emails, through a real SMTP server.
      const smtp = await startSmtpServer();
      try {
        const config = loadConfig({ PAVED_SMTP_URL: smtp.url });
        // What the background delivery job does on its next turn.
        await deliverEmails({
          handle: database,
          mailer: createMailer(config),
          baseUrl: config.baseUrl,
        });
        const toAlan = smtp.messages.filter(
          (m) =>
            m.to.includes('alan.turing@example.test') &&
            m.raw.includes('Staging deploys fail on Monday mornings'),
        );
        // Planned, in progress and shipped: one email each, as Alan chose.
        expect(toAlan.length).toBe(3);
        expect(toAlan.map((m) => m.raw).join('\n')).toContain('a warm-up run now starts');
        // Frances chose nothing, so hers wait for the daily digest.
        expect(smtp.messages.some((m) => m.to.includes('frances.allen@example.test'))).toBe(false);
      } finally {
        await smtp.stop();
      }
    },
    TEST_MS * 3,
  );
});
