import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { Conflict, type InvalidInput } from '../core/errors.ts';
import { actorFor } from '../identity/store.ts';
import { pulseResults } from './results-pulses.ts';
import { prunePulseThrottle, pulseStatus, silencePulses, submitPulse } from './service.ts';
import { insertPulse } from './store.ts';
import { capabilityFor, seedSurveyOrg } from './testing.ts';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describeEngines('pulses', (handle) => {
  async function setup() {
    const org = await seedSurveyOrg(handle(), [{ slug: 'payments', people: 6 }]);
    const capabilityId = await capabilityFor(handle().db, 'deploy-pipeline', [org.teams.payments!]);
    return { org, capabilityId, ada: org.people.payments![0]! };
  }

  it('stores the capability, touchpoint, rating, comment and month, and nothing else', async () => {
    const { org, capabilityId, ada } = await setup();
    const accepted = await submitPulse(
      org.deps,
      ada,
      { capability: 'deploy-pipeline', rating: 4, comment: '  Fast today ', touchpoint: 'deploy' },
      day('2026-11-15'),
    );
    expect(accepted).toEqual({ month: '2026-11', nextOn: '2026-12-15' });
    expect(await handle().db.selectFrom('pulses').selectAll().execute()).toEqual([
      {
        id: expect.any(String),
        capability_id: capabilityId,
        touchpoint: 'deploy',
        rating: 4,
        comment: 'Fast today',
        month: '2026-11',
      },
    ]);
    // The throttle holds a keyed hash and the day, never the answer or the person.
    const throttle = await handle().db.selectFrom('pulse_throttle').selectAll().execute();
    expect(throttle).toEqual([
      { hash: expect.stringMatching(/^[0-9a-f]{64}$/), last_on: '2026-11-15' },
    ]);
    expect(JSON.stringify(throttle)).not.toContain(ada.personId!);
  });

  it('refuses a second pulse in the cooldown politely, saying when, then allows it after', async () => {
    const { org, ada } = await setup();
    await submitPulse(
      org.deps,
      ada,
      { capability: 'deploy-pipeline', rating: 5 },
      day('2026-11-15'),
    );
    const error = await submitPulse(
      org.deps,
      ada,
      { capability: 'deploy-pipeline', rating: 1 },
      day('2026-12-01'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Error).message).toMatch(/rate it again from 15 Dec 2026/);
    expect(await pulseStatus(org.deps, ada, 'deploy-pipeline', day('2026-12-01'))).toEqual({
      nextOn: '2026-12-15',
      silenced: false,
    });
    // Someone else, or another capability, is not held back.
    await submitPulse(
      org.deps,
      org.people.payments![1]!,
      { capability: 'deploy-pipeline', rating: 3 },
      day('2026-12-01'),
    );
    await submitPulse(
      org.deps,
      ada,
      { capability: 'deploy-pipeline', rating: 2 },
      day('2026-12-15'),
    );
    expect(await countRows(handle().db, 'pulses')).toBe(3);
  });

  it('holds the throttle when the same pulse arrives several times at once', async () => {
    const { org, ada } = await setup();
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((rating) =>
        submitPulse(org.deps, ada, { capability: 'deploy-pipeline', rating }, day('2026-11-15')),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Conflict);
    }
    expect(await countRows(handle().db, 'pulses')).toBe(1);
  });

  it('deletes throttle records once the cooldown has passed', async () => {
    const { org, ada } = await setup();
    await submitPulse(
      org.deps,
      ada,
      { capability: 'deploy-pipeline', rating: 5 },
      day('2026-10-01'),
    );
    await submitPulse(
      org.deps,
      org.people.payments![1]!,
      { capability: 'deploy-pipeline', rating: 5 },
      day('2026-11-10'),
    );
    expect(await prunePulseThrottle(handle().db, day('2026-11-15'))).toBe(1);
    expect(await handle().db.selectFrom('pulse_throttle').select('last_on').execute()).toEqual([
      { last_on: '2026-11-10' },
    ]);
  });

  it('names bad fields and unknown capabilities', async () => {
    const { org, ada } = await setup();
    const bad = await submitPulse(org.deps, ada, {
      capability: 'deploy-pipeline',
      rating: 6,
      touchpoint: 'build-123' as never,
    }).catch((e: unknown) => e);
    expect((bad as InvalidInput).errors.map((e) => e.path)).toEqual(['rating', 'touchpoint']);
    const unknown = await submitPulse(org.deps, ada, { capability: 'nope', rating: 3 }).catch(
      (e: unknown) => e,
    );
    expect((unknown as InvalidInput).errors.map((e) => e.path)).toEqual(['capability']);
    expect(await countRows(handle().db, 'pulse_throttle')).toBe(0);
  });

  it('lets a person silence prompts for good, and undo it', async () => {
    await setup();
    const test = await signIn(handle(), 'developer', 'payments.0@example.test');
    const actor = await actorFor(handle().db, test.user, 'session');
    if (actor === 'deactivated') throw new Error('deactivated');
    const org = await seedSurveyOrg(handle(), []);
    await silencePulses(handle().db, actor, true);
    await silencePulses(handle().db, actor, true);
    expect((await pulseStatus(org.deps, actor, 'deploy-pipeline')).silenced).toBe(true);
    await silencePulses(handle().db, actor, false);
    expect((await pulseStatus(org.deps, actor, 'deploy-pipeline')).silenced).toBe(false);
  });

  it('reports completed months only, each cut with at least k pulses and comments with k_comment', async () => {
    const { capabilityId } = await setup();
    const db = handle().db;
    const add = async (
      month: string,
      ratings: number[],
      touchpoint: 'deploy' | 'docs' | null = null,
      comment?: string,
    ) => {
      for (const rating of ratings) {
        await insertPulse(db, {
          capabilityId,
          touchpoint,
          rating,
          comment: comment ?? null,
          month,
        });
      }
    };
    // October: 6 deploy + 2 docs (docs under k; complementary hides deploy too), 8 comments.
    await add('2026-10', [5, 5, 4, 4, 3, 2], 'deploy', 'ok');
    await add('2026-10', [1, 2], 'docs');
    // September: 12 pulses with comments (≥ k_comment).
    await add('2026-09', [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1], null, 'fine');
    // November is the current month: never shown.
    await add('2026-11', [1, 1, 1, 1, 1, 1]);
    const results = await pulseResults(db, {
      capability: 'deploy-pipeline',
      period: '2026-Q4',
      k: 5,
      kComment: 10,
      now: day('2026-11-20'),
    });
    expect(results.months).toEqual(['2026-10']);
    const all = results.cuts.find((c) => c.month === null)!;
    expect(all.rating).toMatchObject({ status: 'shown', n: 8, count: 4, value: 50 });
    const october = results.cuts.find((c) => c.month === '2026-10' && c.touchpoint === null)!;
    expect(october.rating).toMatchObject({ status: 'shown', n: 8 });
    expect(october.comments).toEqual({ status: 'hidden' });
    const touch = Object.fromEntries(
      results.cuts.filter((c) => c.touchpoint !== null).map((c) => [c.touchpoint, c.rating]),
    );
    expect(touch).toEqual({ deploy: { status: 'hidden' }, docs: { status: 'hidden' } });

    const q3 = await pulseResults(db, {
      capability: 'deploy-pipeline',
      period: '2026-Q3',
      k: 5,
      kComment: 10,
      now: day('2026-11-20'),
    });
    expect(q3.months).toEqual(['2026-07', '2026-08', '2026-09']);
    const september = q3.cuts.find((c) => c.month === '2026-09' && c.touchpoint === null)!;
    expect(september.rating).toMatchObject({ status: 'shown', n: 12, count: 8 });
    expect(september.comments).toMatchObject({ status: 'shown', items: Array(12).fill('fine') });
    expect(q3.cuts.find((c) => c.month === '2026-07')!.rating).toEqual({ status: 'empty' });
  });
});
