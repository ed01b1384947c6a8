import { expect, it } from 'vitest';
import { TEST_MS } from './harness.ts';
import { actorFor, type Way } from './journey-kit.ts';
import {
  describeJourneys,
  pulseJourney,
  reportJourney,
  roadmapJourney,
  triageJourney,
} from './journeys.ts';

// The second half of the main journeys (journeys.test.ts runs the first),
// each in every way of working: see journeys.ts and journey-kit.ts. Then the
// ways' own checks are shown to catch what they are for, on a page made to
// fail them with one rule added to the stylesheet it is served (or, for the
// focus order, one attribute added to the page).
describeJourneys(
  'more main journeys in every way of working',
  [roadmapJourney, pulseJourney, triageJourney, reportJourney],
  (suite) => {
    const broken: [Way, string, string, RegExp][] = [
      [
        'keyboard',
        'no focus outline',
        ':focus-visible { outline: none !important; box-shadow: none !important; }',
        /focus is not visible/,
      ],
      [
        'keyboard',
        'a fixed header over the content',
        'header.site { position: fixed; top: 0; left: 0; right: 0; height: 70vh; z-index: 5; background: #fff; }',
        /is covered by/,
      ],
      [
        'forced-colours',
        'a transition on links',
        'a { transition: color 2s linear; }',
        /has a transition of 2s/,
      ],
      [
        'narrow-zoomed',
        'a paragraph that does not wrap',
        'main p { white-space: nowrap; }',
        /px wide in 320 px/,
      ],
    ];
    it.each(broken)(
      'the %s way fails a page with %s',
      async (way, _what, rule, failure) => {
        const actor = await actorFor(suite(), way, suite().seed.adminId);
        await actor.page.route(/\.css(\?|$)/, async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body: `${await response.text()}\n${rule}\n` });
        });
        await expect(actor.go('/insights')).rejects.toThrow(failure);
        await actor.page.context().close();
      },
      TEST_MS,
    );

    it(
      'the keyboard way fails a page whose Tab order is not the order of the page',
      async () => {
        const actor = await actorFor(suite(), 'keyboard', suite().seed.adminId);
        await actor.page.route(/\/insights$/, async (route) => {
          const response = await route.fetch();
          const html = await response.text();
          expect(html).toContain('<a class="skip-link" href="#main">');
          await route.fulfill({
            response,
            body: html.replace('<a class="skip-link"', '<a class="skip-link" tabindex="1"'),
          });
        });
        await expect(actor.go('/insights')).rejects.toThrow(/has tabindex 1/);
        await actor.page.context().close();
      },
      TEST_MS,
    );
  },
);
