import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { getItem } from '../feedback/store.ts';
import { createItem } from '../roadmap/service.ts';
import { itemInput } from '../roadmap/service-testing.ts';
import {
  createNote,
  editNote,
  feedbackDraft,
  fileFrictionAsFeedback,
  linkFriction,
  noteDetail,
  removeNote,
  unlinkFriction,
} from './service.ts';
import { frictionsOf } from './store.ts';
import { expectRefused, frictionInput, noteInput, researchRows, seedResearch } from './testing.ts';

describeEngines('research service: notes', (db) => {
  it('records a note with its friction points in one go, personas sorted and distinct', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(
      db().db,
      people.barbara,
      noteInput({ personas: ['junior', 'cli-first', 'junior'] }),
    );
    expect(note).toMatchObject({
      kind: 'interview',
      heldOn: '2026-10-14',
      team: { slug: 'payments' },
      personas: ['cli-first', 'junior'],
      workflow: 'create a new service',
      steps: ['Pick a template', 'Wait for the approval', 'First deploy'],
      createdBy: people.barbara.actor.userId,
    });
    expect(
      note.frictions.map((f) => [
        f.position,
        f.step,
        f.capability?.slug,
        f.severity,
        f.minutesLost,
      ]),
    ).toEqual([
      [0, 'Wait for the approval', 'service-templates', 2, 30],
      [1, 'Find the secrets', 'secrets-manager', 3, 60],
    ]);
    expect(note.frictions[0]!.quote).toBe('I never know who approves it.');
    const audit = await db()
      .db.selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', note.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['research.note.create']);
  });

  it('writes nothing when one friction point names an unknown capability', async () => {
    const { people } = await seedResearch(db());
    await expectRefused(
      db().db,
      () =>
        createNote(
          db().db,
          people.barbara,
          noteInput({
            team: 'no-such-team',
            frictions: [frictionInput(), frictionInput({ capability: 'teleporter', severity: 4 })],
          }),
        ),
      {
        status: 400,
        errors: [
          { path: 'frictions.1.severity' },
          { path: 'team' },
          { path: 'frictions.1.capability' },
        ],
      },
    );
  });

  it('names every bad field of the note itself', async () => {
    const { people } = await seedResearch(db());
    await expectRefused(
      db().db,
      () =>
        createNote(
          db().db,
          people.barbara,
          noteInput({
            kind: 'survey',
            heldOn: '2026-02-30',
            personas: ['Screen Reader!'],
            workflow: ' ',
            steps: [],
            frictions: [frictionInput({ step: '', minutesLost: -5 })],
          }),
        ),
      {
        errors: [
          { path: 'kind' },
          { path: 'heldOn' },
          { path: 'personas' },
          { path: 'workflow' },
          { path: 'steps' },
          { path: 'frictions.0.step' },
          { path: 'frictions.0.minutesLost' },
        ],
      },
    );
  });

  it('lets the platform team record notes and leaders read them; developers do neither', async () => {
    const { people } = await seedResearch(db());
    await expectRefused(db().db, () => createNote(db().db, people.ada, noteInput()), {
      status: 403,
    });
    await expectRefused(db().db, () => createNote(db().db, people.leader, noteInput()), {
      status: 403,
    });
    const note = await createNote(db().db, people.barbara, noteInput());
    expect((await noteDetail(db().db, people.leader, note.id)).frictions).toHaveLength(2);
    await expect(noteDetail(db().db, people.ada, note.id)).rejects.toMatchObject({ status: 403 });
  });

  it('keeps a friction point and its links through an edit, and drops the ones left out', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const [kept, dropped] = note.frictions;
    const roadmap = await createItem(db().db, people.barbara, {
      ...itemInput(),
      status: 'proposed',
    });
    await linkFriction(db().db, people.barbara, kept!.id, { kind: 'roadmap', id: roadmap.id });
    await linkFriction(db().db, people.barbara, dropped!.id, { kind: 'roadmap', id: roadmap.id });
    const edited = await editNote(
      db().db,
      people.barbara,
      note.id,
      noteInput({
        team: null,
        workflow: 'Create a new service',
        frictions: [
          frictionInput({ step: 'Write the first test', capability: null, severity: 1 }),
          { ...frictionInput({ severity: 3 }), id: kept!.id },
        ],
      }),
    );
    expect(edited.team).toBeNull();
    expect(edited.frictions.map((f) => [f.step, f.severity, f.links.length])).toEqual([
      ['Write the first test', 1, 0],
      ['Wait for the approval', 3, 1],
    ]);
    expect(edited.frictions[1]!.id).toBe(kept!.id);
    expect(await countRows(db().db, 'research_friction_links')).toBe(1);
  });

  it('refuses to adopt another note’s friction point in an edit', async () => {
    const { people } = await seedResearch(db());
    const one = await createNote(db().db, people.barbara, noteInput());
    const other = await createNote(db().db, people.barbara, noteInput({ workflow: 'deploy' }));
    await expectRefused(
      db().db,
      () =>
        editNote(db().db, people.barbara, one.id, {
          ...noteInput(),
          frictions: [{ ...frictionInput(), id: other.frictions[0]!.id }],
        }),
      { errors: [{ path: 'frictions.0.id' }] },
    );
  });

  it('deletes a note with its friction points and links, leaving the feedback made from them', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const draft = feedbackDraft(note, note.frictions[0]!);
    const { feedbackId } = await fileFrictionAsFeedback(
      db().db,
      people.barbara,
      note.frictions[0]!.id,
      draft,
    );
    await removeNote(db().db, people.barbara, note.id);
    expect(await researchRows(db().db)).toMatchObject({ notes: 0, frictions: 0, links: 0 });
    expect(await getItem(db().db, feedbackId)).toBeDefined();
    await expect(removeNote(db().db, people.barbara, note.id)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describeEngines('research service: links', (db) => {
  it('files a friction point as feedback without its quote or team, and links it', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const friction = note.frictions[1]!;
    const draft = feedbackDraft(note, friction);
    expect(draft).toEqual({
      kind: 'problem',
      title: 'Create a new service: Find the secrets',
      body: 'Seen in user research (interview, 2026-10-14) while walking through “create a new service”, at the step “Find the secrets”. Severity 3 — blocked, 60 minutes lost.',
      capability: 'secrets-manager',
    });
    const { feedbackId, friction: linked } = await fileFrictionAsFeedback(
      db().db,
      people.barbara,
      friction.id,
      { ...draft, title: 'Secrets are hard to find' },
    );
    const item = await getItem(db().db, feedbackId);
    expect(item).toMatchObject({
      kind: 'problem',
      title: 'Secrets are hard to find',
      capability: { slug: 'secrets-manager' },
      postedAs: 'name',
    });
    expect(item!.body).not.toContain('approves');
    expect(linked.links).toMatchObject([{ kind: 'feedback', id: feedbackId, status: 'new' }]);
  });

  it('files nothing when the feedback is refused, and nothing for a developer', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const id = note.frictions[0]!.id;
    await expectRefused(
      db().db,
      () =>
        fileFrictionAsFeedback(db().db, people.barbara, id, {
          kind: 'problem',
          title: ' ',
          body: '',
          capability: null,
        }),
      { errors: [{ path: 'title' }] },
    );
    await expectRefused(
      db().db,
      () =>
        fileFrictionAsFeedback(db().db, people.ada, id, {
          kind: 'problem',
          title: 'X',
          body: '',
          capability: null,
        }),
      { status: 403 },
    );
  });

  it('links an existing feedback or roadmap item once, by id or address, and unlinks it', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const id = note.frictions[0]!.id;
    const roadmap = await createItem(db().db, people.barbara, {
      ...itemInput(),
      status: 'proposed',
    });
    await linkFriction(db().db, people.barbara, id, {
      kind: 'roadmap',
      id: `https://paved.example.test/roadmap/${roadmap.id}`,
    });
    const again = await linkFriction(db().db, people.barbara, id, {
      kind: 'roadmap',
      id: roadmap.id,
    });
    expect(again.links).toMatchObject([
      { kind: 'roadmap', id: roadmap.id, title: roadmap.title, status: 'proposed' },
    ]);
    const after = await unlinkFriction(db().db, people.barbara, id, {
      kind: 'roadmap',
      id: roadmap.id,
    });
    expect(after.links).toEqual([]);
    expect((await frictionsOf(db().db, note.id))[0]!.links).toEqual([]);
  });

  it('names the field when the item to link does not exist', async () => {
    const { people } = await seedResearch(db());
    const note = await createNote(db().db, people.barbara, noteInput());
    const id = note.frictions[0]!.id;
    await expectRefused(
      db().db,
      () => linkFriction(db().db, people.barbara, id, { kind: 'feedback', id: 'nope' }),
      {
        status: 400,
        errors: [{ path: 'feedbackId', message: 'There is no feedback item "nope".' }],
      },
    );
    await expectRefused(
      db().db,
      () => linkFriction(db().db, people.barbara, id, { kind: 'roadmap', id: '' }),
      { errors: [{ path: 'roadmapItemId' }] },
    );
    await expect(
      linkFriction(db().db, people.barbara, 'no-such-friction', { kind: 'feedback', id: 'x' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
