import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { parsePeriod } from '../core/period.ts';
import type { NamedRef, Outcome } from './model.ts';
import { officeHoursFigures, tallyTopics } from './office-hours.ts';
import {
  createSession,
  editSession,
  removeSession,
  sessionDetail,
} from './service-office-hours.ts';
import { expectRefused, seedResearch, sessionInput, topicInput } from './testing.ts';

const DP: NamedRef = { id: 'dp', slug: 'deploy-pipeline', name: 'Deploy pipeline' };
const OBS: NamedRef = { id: 'obs', slug: 'observability', name: 'Observability' };
const topic = (capability: NamedRef | null, outcome: Outcome) => ({ capability, outcome });

const round2 = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 100) / 100);

describe('office-hours tally', () => {
  // Wilson 95% intervals, computed by hand (and matching published tables):
  // 3 of 5 → 23.07% to 88.24%; 4 of 8 → 21.52% to 78.48%; 0 of 2 → 0% to 65.76%.
  const topics = [
    topic(DP, 'solved'),
    topic(DP, 'solved'),
    topic(DP, 'solved'),
    topic(DP, 'docs-gap'),
    topic(DP, 'feedback-filed'),
    topic(OBS, 'docs-gap'),
    topic(OBS, 'docs-gap'),
    topic(null, 'solved'),
  ];

  it('counts the share solved on the spot with its Wilson interval, overall and per capability', () => {
    const { all, byCapability } = tallyTopics(topics);
    expect(all).toMatchObject({ topics: 8, feedbackFiled: 1, docsGaps: 3 });
    expect(all.solved).toMatchObject({ value: 50, count: 4, n: 8 });
    expect([round2(all.solved.interval?.low), round2(all.solved.interval?.high)]).toEqual([
      21.52, 78.48,
    ]);
    expect(
      byCapability.map((c) => [
        c.capability?.slug ?? null,
        c.topics,
        c.solved.value,
        round2(c.solved.interval?.low),
        round2(c.solved.interval?.high),
        c.feedbackFiled,
        c.docsGaps,
      ]),
    ).toEqual([
      ['deploy-pipeline', 5, 60, 23.07, 88.24, 1, 1],
      ['observability', 2, 0, 0, 65.76, 0, 2],
      [null, 1, 100, 20.65, 100, 0, 0],
    ]);
  });

  it('has no share at all for no topics (“no data”, never 0)', () => {
    expect(tallyTopics([]).all.solved).toEqual({ value: null, count: 0, n: 0, interval: null });
  });
});

describeEngines('office hours: sessions and figures', (db) => {
  it('records a session with its topics and answers the figures of a quarter', async () => {
    const { people } = await seedResearch(db());
    const created = await createSession(
      db().db,
      people.barbara,
      sessionInput({
        topics: [
          topicInput(),
          topicInput({ outcome: 'docs-gap', problem: 'Where are the rotation docs?' }),
          topicInput({ capability: 'feature-flags', team: null, outcome: 'solved' }),
        ],
      }),
    );
    expect(
      created.topics.map((t) => [t.position, t.team?.slug ?? null, t.capability?.slug, t.outcome]),
    ).toEqual([
      [0, 'checkout', 'secrets-manager', 'solved'],
      [1, 'checkout', 'secrets-manager', 'docs-gap'],
      [2, null, 'feature-flags', 'solved'],
    ]);
    await createSession(
      db().db,
      people.barbara,
      sessionInput({ heldOn: '2026-11-10', topics: [] }),
    );
    // Outside the quarter: not counted.
    await createSession(db().db, people.barbara, sessionInput({ heldOn: '2026-09-29' }));
    const f = await officeHoursFigures(db().db, parsePeriod('2026-Q4'));
    expect(f).toMatchObject({ sessions: 2, quietSessions: 1 });
    expect(f.all).toMatchObject({ topics: 3, docsGaps: 1, solved: { count: 2, n: 3 } });
    expect(f.byCapability.map((c) => [c.capability?.slug, c.topics, c.solved.count])).toEqual([
      ['secrets-manager', 2, 1],
      ['feature-flags', 1, 1],
    ]);
  });

  it('links the feedback a topic filed, and refuses a link on another outcome or to nothing', async () => {
    const { people } = await seedResearch(db());
    const fb = await db()
      .db.insertInto('feedback_items')
      .values({
        id: 'fb-1',
        kind: 'problem',
        title: 'Rotation is manual',
        body: '',
        capability_id: null,
        team_id: null,
        author_id: null,
        author_name: null,
        posted_as: 'team',
        status: 'new',
        duplicate_of: null,
        acknowledged_at: null,
        status_changed_at: '2026-10-01T00:00:00.000Z',
        created_at: '2026-10-01T00:00:00.000Z',
        updated_at: '2026-10-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const s = await createSession(
      db().db,
      people.barbara,
      sessionInput({
        topics: [topicInput({ outcome: 'feedback-filed', feedbackId: `/feedback/${fb.id}` })],
      }),
    );
    expect(s.topics[0]!.feedback).toEqual({
      id: 'fb-1',
      title: 'Rotation is manual',
      status: 'new',
    });
    await expectRefused(
      db().db,
      () =>
        createSession(
          db().db,
          people.barbara,
          sessionInput({
            topics: [
              topicInput({ outcome: 'solved', feedbackId: 'fb-1' }),
              topicInput({ outcome: 'feedback-filed', feedbackId: 'nope', team: 'nobody' }),
            ],
          }),
        ),
      {
        status: 400,
        errors: [
          { path: 'topics.0.feedbackId' },
          { path: 'topics.1.team' },
          { path: 'topics.1.feedbackId' },
        ],
      },
    );
  });

  it('names bad fields, writes nothing, and keeps office hours to the platform team', async () => {
    const { people } = await seedResearch(db());
    await expectRefused(
      db().db,
      () =>
        createSession(
          db().db,
          people.barbara,
          sessionInput({
            heldOn: 'last tuesday',
            hosts: '',
            topics: [topicInput({ problem: '', outcome: 'fixed', capability: 'teleporter' })],
          }),
        ),
      {
        errors: [
          { path: 'heldOn' },
          { path: 'hosts' },
          { path: 'topics.0.problem' },
          { path: 'topics.0.outcome' },
          { path: 'topics.0.capability' },
        ],
      },
    );
    await expectRefused(db().db, () => createSession(db().db, people.ada, sessionInput()), {
      status: 403,
    });
  });

  it('replaces a session’s topics on edit and deletes it with them', async () => {
    const { people } = await seedResearch(db());
    const s = await createSession(db().db, people.barbara, sessionInput());
    const edited = await editSession(
      db().db,
      people.barbara,
      s.id,
      sessionInput({
        hosts: 'Radia Perlman',
        topics: [topicInput({ outcome: 'docs-gap' }), topicInput()],
      }),
    );
    expect(edited).toMatchObject({ hosts: 'Radia Perlman', topicCount: 2 });
    expect(edited.topics.map((t) => t.outcome)).toEqual(['docs-gap', 'solved']);
    expect((await sessionDetail(db().db, people.leader, s.id)).topics).toHaveLength(2);
    await removeSession(db().db, people.barbara, s.id);
    await expect(sessionDetail(db().db, people.leader, s.id)).rejects.toMatchObject({
      status: 404,
    });
  });
});
