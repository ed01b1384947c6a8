import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post } from '../capabilities/pages-testing.ts';
import { createNote, linkFriction } from './service.ts';
import { createSession } from './service-office-hours.ts';
import { frictionInput, noteInput, seedPeople, sessionInput, topicInput } from './testing.ts';

/** The text of an HTML page without tags, spaces collapsed. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const NOTE_FORM = {
  kind: 'shadowing',
  heldOn: '2026-10-20',
  team: 'payments',
  'persona.junior': 'on',
  personas: 'on-call',
  workflow: 'get access to logs',
  steps: 'Open the dashboard\nRequest access\nSearch the logs',
  summary: 'Access took a day.',
  rows: '5',
  'frictions.0.step': 'Request access',
  'frictions.0.capability': 'secrets-manager',
  'frictions.0.severity': '3',
  'frictions.0.minutesLost': '90',
  'frictions.0.quote': 'I waited a day for a ticket.',
};

describeEngines('research pages', (handle) => {
  it('shows the synthesis ranked, with its notes and the items made from them', async () => {
    const people = await seedPeople(handle());
    const { db } = handle();
    const a = await createNote(db, people.barbara.ctx, noteInput());
    await createNote(
      db,
      people.barbara.ctx,
      noteInput({
        heldOn: '2026-10-21',
        personas: ['senior'],
        frictions: [frictionInput({ severity: 3 })],
      }),
    );
    const roadmap = await db
      .insertInto('roadmap_items')
      .values({
        id: 'rm-1',
        title: 'Self-service approvals',
        description: '',
        horizon: 'next',
        status: 'planned',
        driver: 'developer-request',
        rationale: 'Approvals block new services.',
        category: 'developer-experience',
        capability_id: null,
        comments_close_at: null,
        window_closed_notified_at: null,
        decided_at: null,
        decided_by: null,
        decision_rationale: null,
        shipped_at: null,
        created_by: null,
        created_at: '2026-10-22T00:00:00.000Z',
        updated_at: '2026-10-22T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await linkFriction(db, people.barbara.ctx, a.frictions[0]!.id, {
      kind: 'roadmap',
      id: roadmap.id,
    });
    const page = await get(handle(), '/research', people.leader);
    expect(page.status).toBe(200);
    const t = text(page.html);
    expect(t).toContain('3 friction points from 2 notes');
    // Wait for the approval: 2 + 3 = score 5, seen twice; Find the secrets: 3.
    expect(t).toMatch(
      /create a new service Wait for the approval Service templates 5 2 2\.5 60 minutes/,
    );
    expect(page.html).toContain('href="/roadmap/rm-1"');
    expect(page.html).toContain(`href="/research/notes/${a.id}"`);
    const junior = text((await get(handle(), '/research?persona=junior', people.leader)).html);
    expect(junior).toContain('2 friction points from 1 note with the persona junior');
    const bad = await get(handle(), '/research?period=soon', people.leader);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('error-summary');
    expect((await get(handle(), '/research', people.ada)).status).toBe(403);
  });

  it('keeps everything typed when a note is refused, and names each field', async () => {
    const people = await seedPeople(handle());
    const res = await post(
      handle(),
      '/research/notes',
      {
        ...NOTE_FORM,
        heldOn: '2026-13-01',
        personas: 'On Call!',
        // Row 3 filled, rows 1–2 left empty: it comes back as the second row.
        'frictions.2.step': 'Search the logs',
        'frictions.2.capability': 'teleporter',
      },
      people.barbara,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('There is a problem');
    expect(res.html).toContain('href="#field-heldOn"');
    expect(res.html).toContain('href="#field-personas"');
    expect(res.html).toContain('href="#field-frictions.1.severity"');
    expect(res.html).toContain('href="#field-frictions.1.capability"');
    expect(res.html).toContain('value="I waited a day for a ticket."');
    expect(res.html).toContain('value="Search the logs"');
    expect(res.html).toContain('value="On Call!"');
    expect(res.html).toMatch(/name="persona\.junior" value="on" checked/);
    expect(res.html).toContain('Access took a day.');
    expect(await countRows(handle().db, 'research_notes')).toBe(0);
  });

  it('adds friction rows without script and without saving', async () => {
    const people = await seedPeople(handle());
    const blank = await get(handle(), '/research/notes/new', people.barbara);
    expect(blank.html.match(/<legend>Friction point/g)).toHaveLength(5);
    const more = await post(
      handle(),
      '/research/notes',
      { ...NOTE_FORM, more: 'Add 3 more rows' },
      people.barbara,
    );
    expect(more.status).toBe(200);
    expect(more.html.match(/<legend>Friction point/g)).toHaveLength(8);
    expect(more.html).toContain('value="Request access"');
    expect(more.html).not.toContain('There is a problem');
    expect(await countRows(handle().db, 'research_notes')).toBe(0);
  });

  it('records a note, shows it with its quote, and edits it keeping the friction point', async () => {
    const people = await seedPeople(handle());
    const res = await post(handle(), '/research/notes', NOTE_FORM, people.barbara);
    expect(res.status).toBe(303);
    const path = res.location!.split('?')[0]!;
    const page = await get(handle(), path, people.leader);
    const t = text(page.html);
    expect(t).toContain('Shadowing: get access to logs');
    expect(t).toContain('“I waited a day for a ticket.”');
    expect(t).toContain('3 — blocked');
    expect(t).toContain('90 minutes');
    expect(page.html).toContain('href="/research?persona=on-call"');
    // Leaders read notes but do not get the actions.
    expect(page.html).not.toContain('File as feedback');
    const edit = await get(handle(), `${path}/edit`, people.barbara);
    expect(edit.html).toContain('value="Request access"');
    const id = /name="frictions\.0\.id" value="([^"]+)"/.exec(edit.html)![1]!;
    const saved = await post(
      handle(),
      `${path}/edit`,
      { ...NOTE_FORM, 'frictions.0.id': id, 'frictions.0.severity': '2' },
      people.barbara,
    );
    expect(saved.status).toBe(303);
    const row = await handle()
      .db.selectFrom('research_frictions')
      .select(['id', 'severity'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id, severity: 2 });
  });

  it('files a friction point as feedback from a prefilled confirmation, and refuses a bad link', async () => {
    const people = await seedPeople(handle());
    const note = await createNote(handle().db, people.barbara.ctx, noteInput());
    const f = note.frictions[1]!;
    const form = await get(handle(), `/research/frictions/${f.id}/feedback`, people.barbara);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="Create a new service: Find the secrets"');
    expect(form.html).not.toContain('I never know who approves it.');
    const empty = await post(
      handle(),
      `/research/frictions/${f.id}/feedback`,
      { kind: 'problem', title: '', body: 'x' },
      people.barbara,
    );
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#field-title"');
    const filed = await post(
      handle(),
      `/research/frictions/${f.id}/feedback`,
      { kind: 'problem', title: 'Secrets are hard to find', body: 'From research.' },
      people.barbara,
    );
    expect(filed.status).toBe(303);
    expect(filed.location).toContain(`/research/notes/${note.id}?done=filed`);
    const page = text((await get(handle(), `/research/notes/${note.id}`, people.barbara)).html);
    expect(page).toContain('Feedback: Secrets are hard to find (new)');
    const bad = await post(
      handle(),
      `/research/frictions/${f.id}/link`,
      { kind: 'roadmap', item: 'nope' },
      people.barbara,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#field-item"');
    expect(bad.html).toContain('There is no roadmap item &quot;nope&quot;.');
  });

  it('deletes a note after a confirmation page', async () => {
    const people = await seedPeople(handle());
    const note = await createNote(handle().db, people.barbara.ctx, noteInput());
    const confirm = await get(handle(), `/research/notes/${note.id}/delete`, people.barbara);
    expect(text(confirm.html)).toContain('Its 2 friction points go with it');
    const done = await post(handle(), `/research/notes/${note.id}/delete`, {}, people.barbara);
    expect(done.status).toBe(303);
    expect(await countRows(handle().db, 'research_notes')).toBe(0);
  });
});

describeEngines('office-hours pages', (handle) => {
  it('shows the figures per capability with the interval, a chart and its table', async () => {
    const people = await seedPeople(handle());
    await createSession(
      handle().db,
      people.barbara.ctx,
      sessionInput({
        heldOn: '2026-10-13',
        topics: [topicInput(), topicInput(), topicInput({ outcome: 'docs-gap' })],
      }),
    );
    const page = await get(handle(), '/office-hours?period=2026-Q4', people.leader);
    expect(page.status).toBe(200);
    const t = text(page.html);
    // Wilson 2 of 3: 21% to 94%.
    expect(t).toContain('Secrets manager 3 67% (95% interval 21% to 94%, 3 topics) 0 1');
    expect(page.html).toContain('<svg');
    expect(t).toContain('Show the numbers as a table');
    expect(page.html).toContain('href="/office-hours/');
    const bad = await get(handle(), '/office-hours?period=Q5', people.leader);
    expect(bad.status).toBe(400);
    expect((await get(handle(), '/office-hours', people.ada)).status).toBe(403);
  });

  it('keeps a session’s input when refused, adds rows, and records it', async () => {
    const people = await seedPeople(handle());
    const fields = {
      heldOn: '2026-10-13',
      hosts: '',
      rows: '5',
      'topics.0.capability': 'secrets-manager',
      'topics.0.problem': 'Rotation by hand',
      'topics.0.outcome': 'solved',
    };
    const refused = await post(handle(), '/office-hours', fields, people.barbara);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('href="#field-hosts"');
    expect(refused.html).toContain('value="Rotation by hand"');
    const more = await post(
      handle(),
      '/office-hours',
      { ...fields, more: 'Add 3 more rows' },
      people.barbara,
    );
    expect(more.html.match(/<legend>Topic/g)).toHaveLength(8);
    const created = await post(
      handle(),
      '/office-hours',
      { ...fields, hosts: 'Barbara Liskov' },
      people.barbara,
    );
    expect(created.status).toBe(303);
    const session = await get(handle(), created.location!.split('?')[0]!, people.leader);
    expect(text(session.html)).toContain('Secrets manager Rotation by hand Solved on the spot');
  });
});
