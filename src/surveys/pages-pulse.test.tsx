import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post } from '../capabilities/pages-testing.ts';
import { formatDate } from '../core/ui/components.tsx';
import { nextPulseDay } from './model.ts';
import { seedSurveyPages } from './pages-testing.ts';
import { HIDDEN_TEXT } from './results.ts';
import { insertPulse, isSilenced } from './store.ts';

const today = () => new Date().toISOString().slice(0, 10);

describeEngines('pulse pages', (handle) => {
  it('asks one question from a link a CI system prints, and thanks after a 303', async () => {
    const seed = await seedSurveyPages(handle());
    const page = await get(handle(), '/pulse/deploy-pipeline?touchpoint=deploy', seed.users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>How was this deploy?</h1>');
    expect(page.html).toContain('<input type="hidden" name="touchpoint" value="deploy"/>');
    expect(page.html).toContain(
      '<legend>How was your experience with Deploy pipeline just now?</legend>',
    );
    expect(page.html).toContain(
      '<span class="scale-value">1</span><span class="scale-end">Very poor</span>',
    );
    expect(page.html).toContain(
      '<span class="scale-value">5</span><span class="scale-end">Very good</span>',
    );
    expect(page.html).not.toContain('name="rating" value="6"');
    expect(page.html).toContain('Stop asking me for ratings');
    expect(page.html).toContain('not who you are or your team');
    // Without a touchpoint the question names the capability; an unknown one is ignored.
    const plain = await get(handle(), '/pulse/deploy-pipeline?touchpoint=build-42', seed.users.ada);
    expect(plain.html).toContain('<h1>How was Deploy pipeline?</h1>');
    expect(plain.html).not.toContain('name="touchpoint"');

    const res = await post(
      handle(),
      '/pulse/deploy-pipeline',
      { rating: '4', touchpoint: 'deploy', comment: 'Quick today.' },
      seed.users.ada,
    );
    expect(res).toMatchObject({ status: 303, location: '/pulse/deploy-pipeline/thanks' });
    const rows = await handle().db.selectFrom('pulses').selectAll().execute();
    expect(rows).toEqual([
      expect.objectContaining({
        touchpoint: 'deploy',
        rating: 4,
        comment: 'Quick today.',
        month: today().slice(0, 7),
      }),
    ]);
    const thanks = await get(handle(), res.location!, seed.users.ada);
    expect(thanks.html).toContain('<h1>Thank you for your rating</h1>');
  });

  it('keeps the comment and names the missing rating', async () => {
    const seed = await seedSurveyPages(handle());
    const res = await post(
      handle(),
      '/pulse/deploy-pipeline',
      { touchpoint: 'deploy', comment: 'Slow again.' },
      seed.users.ada,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('<a href="#field-rating">Choose a whole number from 1 to 5.</a>');
    expect(res.html).toContain('Slow again.</textarea>');
    expect(res.html).toContain('<input type="hidden" name="touchpoint" value="deploy"/>');
    expect(await countRows(handle().db, 'pulses')).toBe(0);
  });

  it('refuses a second pulse politely, saying when the person can answer again', async () => {
    const seed = await seedSurveyPages(handle());
    await post(handle(), '/pulse/deploy-pipeline', { rating: '5' }, seed.users.ada);
    const again = formatDate(nextPulseDay(today(), 30));
    const page = await get(handle(), '/pulse/deploy-pipeline?touchpoint=deploy', seed.users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>You rated Deploy pipeline recently</h1>');
    expect(page.html).toContain(
      `Thanks — you already rated Deploy pipeline recently. You can rate it again from ${again}.`,
    );
    expect(page.html).not.toContain('name="rating"');
    const second = await post(handle(), '/pulse/deploy-pipeline', { rating: '1' }, seed.users.ada);
    expect(second.status).toBe(409);
    expect(second.html).toContain(`You can rate it again from ${again}.`);
    expect(await countRows(handle().db, 'pulses')).toBe(1);
    // Someone else is not held back by Ada's pulse.
    const grace = await get(handle(), '/pulse/deploy-pipeline', seed.users.grace);
    expect(grace.html).toContain('name="rating"');
  });

  it('stops asking for good, and back again, returning only to a pulse page', async () => {
    const seed = await seedSurveyPages(handle());
    const res = await post(
      handle(),
      '/pulses/silence',
      { silenced: 'yes', back: '/pulse/deploy-pipeline?touchpoint=deploy' },
      seed.users.ada,
    );
    expect(res).toMatchObject({
      status: 303,
      location: '/pulse/deploy-pipeline?touchpoint=deploy&silenced=yes',
    });
    expect(await isSilenced(handle().db, seed.users.ada.user.id)).toBe(true);
    const page = await get(handle(), res.location!, seed.users.ada);
    expect(page.html).toContain('paved will not ask you for ratings any more.');
    expect(page.html).toContain('Ask me again');
    const back = await post(
      handle(),
      '/pulses/silence',
      { silenced: 'no', back: 'https://evil.example/' },
      seed.users.ada,
    );
    expect(back).toMatchObject({ status: 303, location: '/pulses?silenced=no' });
    expect(await isSilenced(handle().db, seed.users.ada.user.id)).toBe(false);
  });

  it('answers 404 for a capability that does not exist', async () => {
    const seed = await seedSurveyPages(handle());
    const page = await get(handle(), '/pulse/no-such-thing', seed.users.ada);
    expect(page.status).toBe(404);
    expect(page.html).toContain('There is no capability “no-such-thing”.');
  });

  it('shows completed months per capability, hiding months too small to stay anonymous', async () => {
    const seed = await seedSurveyPages(handle());
    const add = (month: string, rating: number, comment: string | null = null) =>
      insertPulse(handle().db, {
        capabilityId: seed.deployId,
        touchpoint: 'deploy',
        rating,
        comment,
        month,
      });
    // July: five ratings, three comments. August: two (hidden). September: four.
    for (const [r, c] of [
      [5, 'Fast.'],
      [4, 'Fine.'],
      [4, 'Good logs.'],
      [2, null],
      [5, null],
    ] as const) {
      await add('2026-07', r, c);
    }
    await add('2026-08', 1, 'Broken.');
    await add('2026-08', 2);
    for (const r of [3, 4, 5, 5]) await add('2026-09', r);
    const page = await get(
      handle(),
      '/pulses?capability=deploy-pipeline&period=2026-Q3',
      seed.users.ada,
    );
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Pulse results: Deploy pipeline</h1>');
    expect(page.html).toMatch(
      /<strong>Jul 2026<\/strong><\/td><td>80% \(95% interval \d+% to \d+%, 5 ratings\)<\/td><td class="num">4\.0<\/td>/,
    );
    expect(page.html).toMatch(/<strong>Aug 2026<\/strong><\/td><td>Not shown<\/td>/);
    expect(page.html).toMatch(
      /<strong>Sep 2026<\/strong><\/td><td>75% \(95% interval \d+% to \d+%, 4 ratings\)<\/td>/,
    );
    // The quarter as a whole would give August away (it minus the months shown).
    expect(page.html).toContain(`<strong>Q3 2026, completed months:</strong> ${HIDDEN_TEXT}`);
    expect(page.html).toContain(`“Not shown”: ${HIDDEN_TEXT}`);
    expect(page.html).toContain('<li class="prose">Good logs.</li>');
    expect(page.html).not.toContain('Broken.');

    // The current month is never shown.
    const now = await get(
      handle(),
      '/pulses?capability=deploy-pipeline&period=2026-Q4',
      seed.users.ada,
    );
    expect(now.html).not.toContain(formatDate(`${today().slice(0, 7)}-01`).replace(/^1 /, ''));

    const bad = await get(
      handle(),
      '/pulses?capability=deploy-pipeline&period=2026-Q9',
      seed.users.ada,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#field-period">');
  });
});
