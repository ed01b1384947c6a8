import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { getSetting, setSetting } from '../core/settings.ts';
import { authorLine } from '../feedback/model.ts';
import { getItem } from '../feedback/store.ts';
import { createSession, createToken } from '../identity/store.ts';
import { valueOutcomes } from '../signals/value-outcomes.ts';
import { forgetPerson, formerMember, lookForget } from './forget.ts';
import { allFigures, exportText, seedDemo } from './testing.ts';

describeEngines('paved person forget', (db) => {
  it('removes name, email and account, re-attributes what they wrote, keeps figures and history, audits without the email', async () => {
    await seedDemo(db());
    const d = db().db;
    // A developer with an account, a team, feedback posted by name, and votes.
    const { rows } = await sql<{ user_id: string; email: string; name: string }>`
      select u.id as user_id, u.email, u.name from users u
      join feedback_items f on f.author_id = u.id and f.posted_as = 'name'
      join feedback_votes v on v.user_id = u.id
      join people p on lower(p.email) = u.email and p.team_id is not null
      where u.role = 'developer'
      group by u.id, u.email, u.name order by u.email`.execute(d);
    // Demo names repeat (jane.doe and jane.doe2), so the target is someone
    // whose name is no part of anyone else's: then "nothing names them" holds.
    const others = await d.selectFrom('people').select(['name', 'email']).execute();
    const target = rows.find(
      (r) =>
        !others.some(
          (o) =>
            o.email?.toLowerCase() !== r.email &&
            o.name.toLowerCase().includes(r.name.toLowerCase()),
        ),
    )!;
    expect(target).toBeDefined();
    const person = await d
      .selectFrom('people')
      .innerJoin('teams', 'teams.id', 'people.team_id')
      .select(['people.id', 'people.inactive_since', 'teams.name as team'])
      .where(sql<string>`lower(people.email)`, '=', target.email)
      .executeTakeFirstOrThrow();
    await createSession(d, target.user_id, { maxDays: 7 });
    await createToken(d, { userId: target.user_id, name: 'laptop', expiresAt: null });
    await d
      .updateTable('audit_log')
      .set({ details: JSON.stringify({ invited: target.email }) })
      .where('action', '=', 'survey.create')
      .execute();
    // They chose how one capability's value is measured: the setting keeps the chooser's name.
    const outcomes = await getSetting(d, valueOutcomes);
    const [chosen] = Object.keys(outcomes);
    expect(chosen).toBeDefined();
    await setSetting(d, valueOutcomes, {
      ...outcomes,
      [chosen!]: { ...outcomes[chosen!]!, chosenBy: target.name },
    });
    // They hosted office hours with someone else.
    const session = await d
      .selectFrom('office_hours_sessions')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await d
      .updateTable('office_hours_sessions')
      .set({ hosts: `${target.name}, Grace Hopper` })
      .where('id', '=', session.id)
      .execute();
    const authored = await d
      .selectFrom('feedback_items')
      .select(['id', 'team_id'])
      .where('author_id', '=', target.user_id)
      .execute();
    const votes = await d
      .selectFrom('feedback_votes')
      .select('item_id')
      .where('user_id', '=', target.user_id)
      .execute();
    const aggregates = async () => ({
      milestones: await d
        .selectFrom('signal_person_milestones')
        .selectAll()
        .where('person_id', '=', person.id)
        .orderBy('milestone')
        .execute(),
      adoption: await d
        .selectFrom('adoption_events')
        .select(['id', 'team_id', 'to_state'])
        .orderBy('id')
        .execute(),
      teamDays: await d
        .selectFrom('signal_team_days')
        .selectAll()
        .orderBy('team_id')
        .orderBy('day')
        .execute(),
    });
    const beforeAggregates = await aggregates();
    const beforeFigures = await allFigures(db());
    const preview = await lookForget(d, target.email.toUpperCase());
    expect(preview).toMatchObject({ people: 1, account: true, former: formerMember(person.team) });

    const summary = await forgetPerson(d, {
      who: { email: ` ${target.email.toUpperCase()} ` },
      secret: testSecret,
      actor: null,
      via: 'cli',
    });
    expect(summary).toMatchObject({
      reference: testSecret.hmac('person-forget', target.email),
      people: 1,
      account: true,
      feedbackReattributed: authored.length,
      votesRemoved: votes.length,
    });

    // The account and all that hangs on it are gone.
    expect(
      await d.selectFrom('users').select('id').where('id', '=', target.user_id).execute(),
    ).toEqual([]);
    for (const table of [
      'sessions',
      'api_tokens',
      'feedback_votes',
      'feedback_subscriptions',
      'notifications',
    ] as const) {
      const left = await d
        .selectFrom(table)
        .select('user_id')
        .where('user_id', '=', target.user_id)
        .execute();
      expect(left, table).toEqual([]);
    }
    // The person stays for the figures, without name, email, ref, level or location.
    const after = await d
      .selectFrom('people')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      name: `a former member of ${person.team}`,
      email: null,
      level: null,
      location: null,
      inactive_since: person.inactive_since ?? expect.any(String),
    });
    expect(after.ref).toMatch(/^forgotten:/);
    // What they posted by name reads "a former member of <team>".
    for (const item of authored) {
      const shown = (await getItem(d, item.id))!;
      expect(shown.author).toMatchObject({ id: null });
      expect(authorLine(shown)).toMatch(/^a former member/);
    }
    // The value outcome they chose reads as chosen by a former member.
    expect((await getSetting(d, valueOutcomes))[chosen!]).toMatchObject({
      outcome: outcomes[chosen!]!.outcome,
      chosenBy: formerMember(person.team),
    });
    expect(
      await d
        .selectFrom('office_hours_sessions')
        .select('hosts')
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ hosts: `${formerMember(person.team)}, Grace Hopper` });
    // Nothing left names them: not the export, not the audit log.
    const text = (await exportText(db())).toLowerCase();
    expect(text).not.toContain(target.email);
    expect(text).not.toContain(target.name.toLowerCase());
    const audit = await d.selectFrom('audit_log').selectAll().execute();
    expect(
      audit.filter((a) => `${a.actor_email} ${a.details}`.toLowerCase().includes(target.email)),
    ).toEqual([]);
    expect(audit.filter((a) => a.action === 'person.forget')).toEqual([
      expect.objectContaining({
        actor_id: null,
        target_type: 'person',
        target_id: person.id,
        details: expect.stringContaining(summary.reference),
      }),
    ]);
    // Aggregates and the team's history stay; figures read the same but for
    // the name of who chose a value outcome.
    expect(await aggregates()).toEqual(beforeAggregates);
    const afterFigures = await allFigures(db());
    const renamed = (figures: unknown) =>
      JSON.parse(
        JSON.stringify(figures).replaceAll(
          JSON.stringify(target.name),
          JSON.stringify(formerMember(person.team)),
        ),
      ) as unknown;
    for (const key of Object.keys(beforeFigures)) {
      if (key === 'onboarding' && !person.inactive_since) continue; // they left today
      expect(afterFigures[key], key).toEqual(renamed(beforeFigures[key]));
    }
  }, 120_000);

  it('forgets a person without an account, and an account without a person', async () => {
    await seedOrg(db().db);
    const person = await db()
      .db.selectFrom('people')
      .select(['id', 'email'])
      .where('email', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const only = await forgetPerson(db().db, {
      who: { personId: person.id },
      secret: testSecret,
      actor: { userId: 'admin-1', email: 'admin@example.test' },
      ip: '10.0.0.1',
      via: 'api',
    });
    expect(only).toMatchObject({ people: 1, account: false, votesRemoved: 0 });
    await db()
      .db.insertInto('users')
      .values({
        id: 'lonely',
        email: 'lonely@example.test',
        name: 'Lonely Account',
        role: 'developer',
        password_hash: null,
        disabled_at: null,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    const account = await forgetPerson(db().db, {
      who: { email: 'lonely@example.test' },
      secret: testSecret,
      actor: null,
      via: 'cli',
    });
    expect(account).toMatchObject({ people: 0, account: true });
    const audit = await db()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.forget')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => [a.target_type, a.actor_email, a.ip])).toEqual([
      ['person', 'admin@example.test', '10.0.0.1'],
      ['user', null, null],
    ]);
  });

  it('says so when nobody has the email, changing nothing', async () => {
    await seedOrg(db().db);
    await expect(
      forgetPerson(db().db, {
        who: { email: 'nobody@example.test' },
        secret: testSecret,
        actor: null,
        via: 'cli',
      }),
    ).rejects.toThrow(/Nobody in paved has the email nobody@example.test/);
    await expect(lookForget(db().db, 'nobody@example.test')).rejects.toThrow(
      /no person and no account/,
    );
    expect(await db().db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
  });
});
