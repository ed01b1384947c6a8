import { describe, expect, it } from 'vitest';
import type { FrictionLink, NamedRef } from './model.ts';
import { type FrictionOccurrence, frictionKey, rankFrictions } from './synthesis.ts';

const DP: NamedRef = { id: 'cap-dp', slug: 'deploy-pipeline', name: 'Deploy pipeline' };
const OBS: NamedRef = { id: 'cap-obs', slug: 'observability', name: 'Observability' };
const ST: NamedRef = { id: 'cap-st', slug: 'service-templates', name: 'Service templates' };

const feedbackLink: FrictionLink = {
  kind: 'feedback',
  id: 'f1',
  title: 'Approvals block deploys',
  status: 'planned',
  createdAt: '2026-01-02T00:00:00.000Z',
};
const roadmapLink: FrictionLink = {
  kind: 'roadmap',
  id: 'r1',
  title: 'Self-service approvals',
  status: 'planned',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const NOTES: Record<string, { heldOn: string; personas: string[] }> = {
  n1: { heldOn: '2026-10-01', personas: ['cli-first', 'junior'] },
  n2: { heldOn: '2026-10-08', personas: ['senior'] },
  n3: { heldOn: '2026-10-15', personas: ['junior'] },
  n4: { heldOn: '2026-10-22', personas: ['new-joiner'] },
};

let counter = 0;
function occ(
  note: string,
  workflow: string,
  step: string,
  capability: NamedRef | null,
  severity: number,
  minutesLost: number | null,
  links: FrictionLink[] = [],
): FrictionOccurrence {
  return {
    frictionId: `x${++counter}`,
    noteId: note,
    kind: 'interview',
    ...NOTES[note]!,
    workflow,
    step,
    capability,
    severity,
    minutesLost,
    links,
  };
}

/**
 * The hand-made table. Friction A is written three ways (case, spacing) and
 * is one friction; "find logs" with and without a capability are two; D
 * occurs twice in one note.
 *
 * | friction                                  | occ | notes | score | mean | minutes |
 * |-------------------------------------------|-----|-------|-------|------|---------|
 * | A deploy / wait for approval / DP         |  3  |   3   |   8   | 2.67 |   60    |
 * | D create / pick a template / ST           |  2  |   1   |   4   | 2    |   60    |
 * | B deploy / find logs / OBS                |  2  |   2   |   4   | 2    |   25    |
 * | C deploy / find logs / (none)             |  1  |   1   |   1   | 1    |    5    |
 */
const TABLE: FrictionOccurrence[] = [
  occ('n1', 'deploy a service', 'wait for approval', DP, 3, 40, [feedbackLink]),
  occ('n2', 'Deploy a service', 'Wait for  approval', DP, 2, null),
  occ('n3', 'deploy a service', 'wait for approval', DP, 3, 20, [feedbackLink, roadmapLink]),
  occ('n1', 'deploy a service', 'find logs', OBS, 2, 15),
  occ('n2', 'deploy a service', 'find logs', OBS, 2, 10),
  occ('n3', 'deploy a service', 'find logs', null, 1, 5),
  occ('n4', 'create a new service', 'pick a template', ST, 3, 60),
  occ('n4', 'create a new service', 'pick a template', ST, 1, null),
];

const pick = (r: ReturnType<typeof rankFrictions>['ranked'][number]) => ({
  step: r.step,
  capability: r.capability?.slug ?? null,
  occurrences: r.occurrences,
  notes: r.notes,
  score: r.score,
  meanSeverity: Number(r.meanSeverity.toFixed(2)),
  minutesLost: r.minutesLost,
  minutesReported: r.minutesReported,
});

describe('research synthesis ranking', () => {
  it('ranks frictions by Σ severity against the hand-computed table', () => {
    const s = rankFrictions(TABLE);
    expect(s.ranked.map(pick)).toEqual([
      {
        step: 'wait for approval',
        capability: 'deploy-pipeline',
        occurrences: 3,
        notes: 3,
        score: 8,
        meanSeverity: 2.67,
        minutesLost: 60,
        minutesReported: 2,
      },
      {
        step: 'pick a template',
        capability: 'service-templates',
        occurrences: 2,
        notes: 1,
        score: 4,
        meanSeverity: 2,
        minutesLost: 60,
        minutesReported: 1,
      },
      {
        step: 'find logs',
        capability: 'observability',
        occurrences: 2,
        notes: 2,
        score: 4,
        meanSeverity: 2,
        minutesLost: 25,
        minutesReported: 2,
      },
      {
        step: 'find logs',
        capability: null,
        occurrences: 1,
        notes: 1,
        score: 1,
        meanSeverity: 1,
        minutesLost: 5,
        minutesReported: 1,
      },
    ]);
    expect(s.notes).toBe(4);
    expect(s.occurrences).toBe(8);
  });

  it('shows the spelling most notes used and lists the notes newest first', () => {
    const [top] = rankFrictions(TABLE).ranked;
    expect(top!.workflow).toBe('deploy a service');
    expect(top!.step).toBe('wait for approval');
    expect(top!.noteIds).toEqual(['n3', 'n2', 'n1']);
    expect(top!.personas).toEqual(['cli-first', 'junior', 'senior']);
  });

  it('carries each linked item once, oldest link first', () => {
    const [top] = rankFrictions(TABLE).ranked;
    expect(top!.links.map((l) => `${l.kind}:${l.id}`)).toEqual(['roadmap:r1', 'feedback:f1']);
  });

  it('groups per workflow and per capability with totals', () => {
    const s = rankFrictions(TABLE);
    expect(
      s.byWorkflow.map((g) => [
        g.workflow,
        g.score,
        g.occurrences,
        g.notes,
        g.minutesLost,
        g.frictions.length,
      ]),
    ).toEqual([
      ['deploy a service', 13, 6, 3, 90, 3],
      ['create a new service', 4, 2, 1, 60, 1],
    ]);
    expect(
      s.byCapability.map((g) => [g.capability?.slug ?? null, g.score, g.occurrences, g.notes]),
    ).toEqual([
      ['deploy-pipeline', 8, 3, 3],
      ['observability', 4, 2, 2],
      ['service-templates', 4, 2, 1],
      [null, 1, 1, 1],
    ]);
  });

  it('filters per persona before counting', () => {
    const s = rankFrictions(TABLE, { persona: 'junior' });
    expect(s.persona).toBe('junior');
    expect(
      s.ranked.map((r) => [
        r.step,
        r.capability?.slug ?? null,
        r.occurrences,
        r.score,
        r.minutesLost,
      ]),
    ).toEqual([
      ['wait for approval', 'deploy-pipeline', 2, 6, 60],
      ['find logs', 'observability', 1, 2, 15],
      ['find logs', null, 1, 1, 5],
    ]);
    expect(s.notes).toBe(2);
    // The filter's choices come from every note read, not only the filtered ones.
    expect(s.personas).toEqual([
      { tag: 'junior', notes: 2 },
      { tag: 'cli-first', notes: 1 },
      { tag: 'new-joiner', notes: 1 },
      { tag: 'senior', notes: 1 },
    ]);
  });

  it('answers an empty synthesis for no notes, and for a persona nobody has', () => {
    expect(rankFrictions([])).toMatchObject({
      notes: 0,
      occurrences: 0,
      ranked: [],
      byWorkflow: [],
    });
    expect(rankFrictions(TABLE, { persona: 'screen-reader' }).ranked).toEqual([]);
  });

  it('keys a friction by workflow, step and capability, ignoring case and spacing', () => {
    expect(frictionKey({ workflow: ' Deploy  a service', step: 'X', capability: DP })).toBe(
      frictionKey({ workflow: 'deploy a service', step: 'x', capability: DP }),
    );
    expect(frictionKey({ workflow: 'w', step: 's', capability: DP })).not.toBe(
      frictionKey({ workflow: 'w', step: 's', capability: null }),
    );
  });
});
