import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { parsePeriod } from '../core/period.ts';
import { officeHoursFigures } from '../research/office-hours.ts';
import { researchSynthesis } from '../research/synthesis.ts';
import { accountsPart } from './accounts.ts';
import { capabilitiesPart } from './capabilities.ts';
import { feedbackPart } from './feedback.ts';
import { orgPart, runDemo } from './generator.ts';
import { createRandom } from './random.ts';
import { planResearch, researchPart } from './research.ts';

const TODAY = '2026-11-01';
const PARTS = [orgPart, accountsPart, capabilitiesPart, feedbackPart, researchPart];

const plan = (seed: number, size: 'small' | 'large' = 'small') =>
  planResearch(createRandom(seed, 'research'), {
    size,
    today: TODAY,
    teams: 6,
    hosts: ['Barbara Liskov', 'Dennis Ritchie', 'Radia Perlman'],
  });

describe('research demo plan', () => {
  it('is the same for the same seed, and differs for another', () => {
    expect(plan(7)).toEqual(plan(7));
    expect(plan(8)).not.toEqual(plan(7));
  });

  it('has a dozen notes of every kind over the last year, with friction points that recur', () => {
    const { notes } = plan(42);
    expect(notes).toHaveLength(12);
    const kinds = notes.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'interview')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'shadowing')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'usability-test')).toHaveLength(3);
    for (const n of notes) {
      expect(n.heldOn < TODAY).toBe(true);
      expect(n.heldOn >= '2025-11-01').toBe(true);
      expect(n.frictions.length).toBeGreaterThan(0);
      expect(n.personas).toEqual([...n.personas].sort());
      for (const f of n.frictions) expect(n.steps).toContain(f.step);
    }
    // Some friction (workflow, step) shows up in more than one note.
    const seen = new Map<string, number>();
    for (const n of notes)
      for (const f of n.frictions) {
        const key = `${n.workflow}/${f.step}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    expect(Math.max(...seen.values())).toBeGreaterThan(1);
  });

  it('holds office hours every Tuesday of the year but the holiday week, with 0–5 topics', () => {
    const { sessions } = plan(42);
    expect(sessions.length).toBeGreaterThanOrEqual(50);
    expect(sessions.length).toBeLessThanOrEqual(52);
    for (const s of sessions) {
      expect(new Date(`${s.heldOn}T00:00:00Z`).getUTCDay()).toBe(2);
      expect(s.topics.length).toBeLessThanOrEqual(5);
      expect(s.hosts).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+, [A-Z][a-z]+ [A-Z][a-z]+$/);
    }
    const outcomes = new Set(sessions.flatMap((s) => s.topics.map((t) => t.outcome)));
    expect([...outcomes].sort()).toEqual(['docs-gap', 'feedback-filed', 'solved']);
    expect(sessions.some((s) => s.topics.length === 0)).toBe(true);
  });

  it('scales a little for the large demo', () => {
    const large = plan(42, 'large');
    expect(large.notes).toHaveLength(24);
    expect(Math.max(...large.sessions.map((s) => s.topics.length))).toBeGreaterThan(5);
  });
});

describeEngines('research demo part', (handle) => {
  it('writes the notes, friction points, links and a year of office hours', async () => {
    await runDemo(handle(), { size: 'small', seed: 42, today: TODAY }, PARTS);
    const { db } = handle();
    expect(await countRows(db, 'research_notes')).toBe(12);
    const sessions = await countRows(db, 'office_hours_sessions');
    expect(sessions).toBeGreaterThanOrEqual(50);
    expect(await countRows(db, 'research_friction_links')).toBeGreaterThan(0);
    const s = await researchSynthesis(db);
    expect(s.notes).toBe(12);
    expect(s.ranked[0]!.occurrences).toBeGreaterThan(1);
    expect(s.ranked[0]!.capability).not.toBeNull();
    expect(s.ranked.some((r) => r.links.length > 0)).toBe(true);
    const year = await officeHoursFigures(db, {
      key: 'year',
      start: '2025-11-01T00:00:00.000Z',
      end: '2026-11-02T00:00:00.000Z',
    });
    expect(year.sessions).toBe(sessions);
    expect(year.all.topics).toBeGreaterThan(60);
    expect(year.all.solved.value).toBeGreaterThan(30);
    expect(year.byCapability[0]!.capability?.slug).toBeDefined();
    // Topics name teams, none of the platform's own, and some filed feedback links an item.
    const linked = await db
      .selectFrom('office_hours_topics')
      .select('id')
      .where('feedback_id', 'is not', null)
      .execute();
    expect(linked.length).toBeGreaterThan(0);
    // A quarter has about thirteen weekly sessions.
    expect((await officeHoursFigures(db, parsePeriod('2026-Q3'))).sessions).toBe(13);
    // Notes name no person: the participant is a team and tags.
    const notes = await db.selectFrom('research_notes').select(['personas', 'team_id']).execute();
    expect(notes.every((n) => /^[a-z0-9 -]*$/.test(n.personas))).toBe(true);
  });

  it('writes the same research for the same seed', async () => {
    await runDemo(handle(), { size: 'small', seed: 5, today: TODAY }, PARTS);
    const first = await handle()
      .db.selectFrom('research_notes')
      .select(['held_on', 'kind', 'workflow', 'personas', 'summary'])
      .orderBy('held_on')
      .orderBy('workflow')
      .execute();
    const again = planResearch(createRandom(5, 'research'), {
      size: 'small',
      today: TODAY,
      teams: 1,
      hosts: [],
    });
    // What is written is the seed's plan (which does not depend on the organisation's size).
    expect(first).toEqual(
      again.notes.map((n) => ({
        held_on: n.heldOn,
        kind: n.kind,
        workflow: n.workflow,
        personas: n.personas.join(' '),
        summary: n.summary,
      })),
    );
  });
});
