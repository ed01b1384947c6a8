import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { parsePeriod } from '../core/period.ts';
import { createNote, fileFrictionAsFeedback } from './service.ts';
import { createSession } from './service-office-hours.ts';
import { researchHighlights, researchSynthesis } from './synthesis.ts';
import { frictionInput, noteInput, seedResearch, sessionInput, topicInput } from './testing.ts';

describeEngines('research synthesis and highlights from the database', (db) => {
  async function seed() {
    const { people } = await seedResearch(db());
    const approval = (severity: number, minutesLost: number | null) =>
      frictionInput({ step: 'Wait for the approval', severity, minutesLost });
    const a = await createNote(
      db().db,
      people.barbara,
      noteInput({ heldOn: '2026-10-02', personas: ['junior'], frictions: [approval(3, 40)] }),
    );
    await createNote(
      db().db,
      people.barbara,
      noteInput({
        kind: 'shadowing',
        heldOn: '2026-11-20',
        personas: ['senior'],
        frictions: [
          approval(2, null),
          frictionInput({ step: 'Find the secrets', capability: 'secrets-manager', severity: 1 }),
        ],
      }),
    );
    // Held in Q3: outside the quarter.
    await createNote(
      db().db,
      people.barbara,
      noteInput({ kind: 'usability-test', heldOn: '2026-09-30', frictions: [approval(3, 5)] }),
    );
    const { feedbackId } = await fileFrictionAsFeedback(
      db().db,
      people.barbara,
      a.frictions[0]!.id,
      {
        kind: 'problem',
        title: 'Approvals hold up new services',
        body: '',
        capability: 'service-templates',
      },
    );
    await createSession(
      db().db,
      people.barbara,
      sessionInput({
        heldOn: '2026-10-06',
        topics: [
          topicInput(),
          topicInput({ outcome: 'docs-gap' }),
          topicInput({ capability: 'feature-flags' }),
          topicInput({ capability: null, outcome: 'feedback-filed' }),
        ],
      }),
    );
    await createSession(
      db().db,
      people.barbara,
      sessionInput({ heldOn: '2026-12-29', topics: [] }),
    );
    return { feedbackId };
  }

  it('reads the notes of a period and filters per persona', async () => {
    await seed();
    const q4 = await researchSynthesis(db().db, { period: parsePeriod('2026-Q4') });
    expect(q4.ranked.map((r) => [r.step, r.occurrences, r.notes, r.score, r.minutesLost])).toEqual([
      ['Wait for the approval', 2, 2, 5, 40],
      ['Find the secrets', 1, 1, 1, 30],
    ]);
    const all = await researchSynthesis(db().db);
    expect(all.ranked[0]).toMatchObject({ occurrences: 3, score: 8 });
    const junior = await researchSynthesis(db().db, { persona: 'junior' });
    // The Q3 note carries the default personas (junior, cli-first) too.
    expect(junior.ranked.map((r) => [r.step, r.occurrences])).toEqual([
      ['Wait for the approval', 2],
    ]);
  });

  it('sums up a quarter for the report without quotes or teams', async () => {
    const { feedbackId } = await seed();
    const h = await researchHighlights(db().db, { period: parsePeriod('2026-Q4') });
    expect(h.period.key).toBe('2026-Q4');
    expect(h.notes).toEqual({
      total: 2,
      byKind: { interview: 1, shadowing: 1, 'usability-test': 0 },
    });
    expect(h.topFrictions).toEqual([
      {
        workflow: 'create a new service',
        step: 'Wait for the approval',
        capability: { slug: 'service-templates', name: 'Service templates' },
        occurrences: 2,
        notes: 2,
        score: 5,
        meanSeverity: 2.5,
        minutesLost: 40,
        links: [
          {
            kind: 'feedback',
            id: feedbackId,
            title: 'Approvals hold up new services',
            status: 'new',
          },
        ],
      },
      {
        workflow: 'create a new service',
        step: 'Find the secrets',
        capability: { slug: 'secrets-manager', name: 'Secrets manager' },
        occurrences: 1,
        notes: 1,
        score: 1,
        meanSeverity: 1,
        minutesLost: 30,
        links: [],
      },
    ]);
    const text = JSON.stringify(h);
    expect(text).not.toContain('I never know who approves it.');
    expect(text).not.toContain('payments');
    expect(text).not.toContain('checkout');
    expect(h.officeHours).toMatchObject({
      sessions: 2,
      topics: 4,
      feedbackFiled: 1,
      docsGaps: 1,
      solved: { value: 50, count: 2, n: 4 },
      topCapabilities: [
        { capability: { slug: 'secrets-manager' }, topics: 2, docsGaps: 1, solved: { count: 1 } },
        { capability: { slug: 'feature-flags' }, topics: 1, docsGaps: 0, solved: { count: 1 } },
      ],
    });
    // Wilson 2 of 4: 15.00% to 85.00%.
    expect(h.officeHours.solved.interval!.low).toBeCloseTo(15.0, 1);
    expect(h.officeHours.solved.interval!.high).toBeCloseTo(85.0, 1);
  });

  it('answers zeros and “no data” for a quarter with nothing in it', async () => {
    await seed();
    const h = await researchHighlights(db().db, { period: parsePeriod('2025-Q1') });
    expect(h.notes.total).toBe(0);
    expect(h.topFrictions).toEqual([]);
    expect(h.officeHours).toMatchObject({ sessions: 0, topics: 0, solved: { value: null } });
  });
});
