// `paved person forget`: a person's name, email and account go; what they
// contributed to anonymous aggregates and to their team's history stays.
//
// - The person row stays (time to first deploy and other hire figures count
//   them) with its name replaced by "a former member of <team>", and without
//   email, entity ref, level or location; it is marked inactive if it was not.
// - The account is deleted. With it go its sessions, API tokens, one-time
//   links, feed keys, inbox, email preferences, subscriptions and votes (a
//   vote is a person's standing request, not history: vote counts drop by
//   theirs).
// - What they wrote by name (feedback, comments, notes, status changes,
//   changelog entries, decisions) stays, re-attributed to "a former member of
//   <team>", as do office-hours hosts, stored webhook payloads and who chose
//   a setting. Adoption events, exceptions and signals stay with their team.
// - The audit log loses their email; the forgetting itself is audited with a
//   keyed one-way reference to the email (HMAC with the server secret), so an
//   operator holding the secret can later check whether an email was forgotten.

import { sql } from 'kysely';
import { type AuditActor, recordAudit } from '../core/audit.ts';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { NotFound } from '../core/errors.ts';

/** Keys the one-way reference (the server secret's HMAC). */
export interface Keyed {
  hmac(purpose: string, ...parts: string[]): string;
}

export interface ForgetInput {
  /** Whom to forget: an email (people and account), or a person's id. */
  who: { email: string } | { personId: string };
  secret: Keyed;
  actor: AuditActor | null;
  ip?: string | null;
  via: 'cli' | 'api';
  now?: Date;
}

export interface ForgetSummary {
  /** The keyed one-way reference to the email the audit log keeps. */
  reference: string;
  people: number;
  account: boolean;
  /** Feedback items they posted by name, now by "a former member of <team>". */
  feedbackReattributed: number;
  /** Other rows that carried their name (comments, notes, status changes, decisions, …). */
  namesReplaced: number;
  votesRemoved: number;
  subscriptionsRemoved: number;
}

const FORMER = 'a former member';

/** "a former member of Payments", or "a former member" without a team. */
export function formerMember(teamName: string | null | undefined): string {
  return teamName ? `${FORMER} of ${teamName}` : FORMER;
}

/**
 * Forgets a person in one transaction (see the top of this file for what
 * goes and what stays) and audits it without their email.
 * @example await forgetPerson(db, { who: { email: 'ada@example.com' }, secret, actor: null, via: 'cli' })
 */
export async function forgetPerson(db: Db, input: ForgetInput): Promise<ForgetSummary> {
  return db.transaction().execute(async (trx) => {
    const now = input.now ?? new Date();
    const at = now.toISOString();
    const { people, email } = await findPeople(trx, input.who);
    const user = email
      ? await trx
          .selectFrom('users')
          .select(['id', 'name', 'email'])
          .where('email', '=', email)
          .executeTakeFirst()
      : undefined;
    if (people.length === 0 && !user) {
      throw new NotFound(
        'email' in input.who
          ? `Nobody in paved has the email ${email}: no person and no account. Check the spelling (paved user list shows accounts).`
          : 'There is no such person.',
      );
    }
    const teamNames = await teamNamesById(trx);
    const home = people.find((p) => p.team_id)?.team_id ?? null;
    const former = formerMember(home ? teamNames.get(home) : null);
    const reference = input.secret.hmac('person-forget', email ?? `person:${people[0]!.id}`);
    const summary: ForgetSummary = {
      reference,
      people: people.length,
      account: Boolean(user),
      feedbackReattributed: 0,
      namesReplaced: 0,
      votesRemoved: 0,
      subscriptionsRemoved: 0,
    };
    const names = new Set([...people.map((p) => p.name), ...(user ? [user.name] : [])]);

    if (user) {
      Object.assign(summary, await reattribute(trx, user.id, former, teamNames));
      summary.votesRemoved = await count(trx, 'feedback_votes', user.id);
      summary.subscriptionsRemoved = await count(trx, 'feedback_subscriptions', user.id);
      await trx
        .updateTable('signal_sources')
        .set({ name: `account:former-${reference.slice(0, 12)}` })
        .where('user_id', '=', user.id)
        .where('kind', '=', 'account')
        .execute();
      await trx
        .updateTable('audit_log')
        .set({ actor_email: null })
        .where((eb) => eb.or([eb('actor_id', '=', user.id), eb('actor_email', '=', user.email)]))
        .execute();
      // Everything else that hangs on the account goes with it (ON DELETE CASCADE / SET NULL).
      await trx.deleteFrom('users').where('id', '=', user.id).execute();
    }
    if (email) await scrubAuditDetails(trx, email, reference);
    summary.namesReplaced += await scrubNames(trx, names, former);

    for (const person of people) {
      await trx
        .updateTable('people')
        .set({
          name: formerMember(person.team_id ? teamNames.get(person.team_id) : null),
          email: null,
          ref: `forgotten:${newId()}`,
          level: null,
          location: null,
          inactive_since: person.inactive_since ?? at.slice(0, 10),
          updated_at: nowIso(),
        })
        .where('id', '=', person.id)
        .execute();
    }
    await recordAudit(trx, {
      actor: input.actor,
      action: 'person.forget',
      target: people[0] ? { type: 'person', id: people[0].id } : { type: 'user', id: user!.id },
      ip: input.ip ?? null,
      details: {
        via: input.via,
        reference,
        people: summary.people,
        account: summary.account,
        feedbackReattributed: summary.feedbackReattributed,
        votesRemoved: summary.votesRemoved,
      },
    });
    return summary;
  });
}

/** What forgetting an email would touch, for the confirmation; NotFound when nothing. */
export async function lookForget(
  db: Db,
  email: string,
): Promise<{ people: number; account: boolean; former: string; description: string }> {
  const found = await findPeople(db, { email });
  const account = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', found.email!)
    .executeTakeFirst();
  if (found.people.length === 0 && !account) {
    throw new NotFound(
      `Nobody in paved has the email ${found.email}: no person and no account. Check the spelling (paved user list shows accounts).`,
    );
  }
  const home = found.people.find((p) => p.team_id)?.team_id;
  const team = home
    ? await db.selectFrom('teams').select('name').where('id', '=', home).executeTakeFirst()
    : undefined;
  const parts = [
    ...(found.people.length > 0 ? ['their name and email'] : []),
    ...(account ? ['their account (sign-ins, tokens, votes, subscriptions, inbox)'] : []),
  ];
  return {
    people: found.people.length,
    account: Boolean(account),
    former: formerMember(team?.name),
    description: parts.join(' and '),
  };
}

interface PersonRow {
  id: string;
  name: string;
  email: string | null;
  team_id: string | null;
  inactive_since: string | null;
}

async function findPeople(
  db: Db,
  who: ForgetInput['who'],
): Promise<{ people: PersonRow[]; email: string | null }> {
  const columns = ['id', 'name', 'email', 'team_id', 'inactive_since'] as const;
  if ('email' in who) {
    const email = who.email.trim().toLowerCase();
    const people = await db
      .selectFrom('people')
      .select(columns)
      .where(sql<string>`lower(email)`, '=', email)
      .orderBy('id')
      .execute();
    return { people, email };
  }
  const person = await db
    .selectFrom('people')
    .select(columns)
    .where('id', '=', who.personId)
    .executeTakeFirst();
  if (!person) return { people: [], email: null };
  const email = person.email?.trim().toLowerCase() || null;
  if (!email) return { people: [person], email: null };
  // Every person row with the same email is the same person.
  return findPeople(db, { email });
}

async function teamNamesById(db: Db): Promise<Map<string, string>> {
  const teams = await db.selectFrom('teams').select(['id', 'name']).execute();
  return new Map(teams.map((t) => [t.id, t.name]));
}

async function count(
  db: Db,
  table: 'feedback_votes' | 'feedback_subscriptions',
  userId: string,
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(db.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces the account's name wherever a row kept it, before the account goes. */
async function reattribute(
  trx: Db,
  userId: string,
  former: string,
  teamNames: Map<string, string>,
): Promise<Pick<ForgetSummary, 'feedbackReattributed' | 'namesReplaced'>> {
  // Feedback posted by name: "a former member of" the team it was posted for.
  const items = await trx
    .selectFrom('feedback_items')
    .select(['id', 'team_id'])
    .where('author_id', '=', userId)
    .execute();
  for (const item of items) {
    await trx
      .updateTable('feedback_items')
      .set({
        author_id: null,
        author_name: item.team_id ? formerMember(teamNames.get(item.team_id)) : former,
      })
      .where('id', '=', item.id)
      .execute();
  }
  let names = 0;
  const add = (r: { numUpdatedRows: bigint }) => {
    names += Number(r.numUpdatedRows);
  };
  add(
    await trx
      .updateTable('feedback_status_changes')
      .set({ actor_name: former, actor_id: null })
      .where('actor_id', '=', userId)
      .executeTakeFirst(),
  );
  add(
    await trx
      .updateTable('feedback_internal_notes')
      .set({ author_name: former, author_id: null })
      .where('author_id', '=', userId)
      .executeTakeFirst(),
  );
  add(
    await trx
      .updateTable('roadmap_comments')
      .set({ author_name: former, author_id: null })
      .where('author_id', '=', userId)
      .executeTakeFirst(),
  );
  add(
    await trx
      .updateTable('roadmap_events')
      .set({ actor_name: former, actor_id: null })
      .where('actor_id', '=', userId)
      .executeTakeFirst(),
  );
  add(
    await trx
      .updateTable('changelog_entries')
      .set({ author_name: former, author_id: null })
      .where('author_id', '=', userId)
      .executeTakeFirst(),
  );
  add(
    await trx
      .updateTable('decisions')
      .set({ decider_name: former, decider_id: null })
      .where('decider_id', '=', userId)
      .executeTakeFirst(),
  );
  return { feedbackReattributed: items.length, namesReplaced: names };
}

/** The email in audit details (an account made for it, a link sent to it) becomes the reference. */
async function scrubAuditDetails(trx: Db, email: string, reference: string): Promise<void> {
  const rows = await trx
    .selectFrom('audit_log')
    .select(['id', 'details'])
    .where(sql<string>`lower(details)`, 'like', `%${email.replace(/[%_\\]/g, '_')}%`)
    .execute();
  for (const row of rows) {
    const details = replaceAll(row.details, email, `forgotten:${reference.slice(0, 12)}`, true);
    if (details !== row.details) {
      await trx.updateTable('audit_log').set({ details }).where('id', '=', row.id).execute();
    }
  }
}

/** A text column that may hold a name, and the column that finds its row. */
interface NamedText {
  table: 'office_hours_sessions' | 'webhook_deliveries' | 'settings';
  key: string;
  column: string;
  /** How the name is written there: as it is, or as a JSON string. */
  json: boolean;
}

/**
 * Names written as text where no account id says whose they are: office-hours
 * hosts, the author in stored webhook payloads, and who chose a setting (the
 * value outcome's `chosenBy`). Free text others wrote (feedback bodies,
 * notes) is left as it is.
 */
const NAMED_TEXT: readonly NamedText[] = [
  { table: 'office_hours_sessions', key: 'id', column: 'hosts', json: false },
  { table: 'webhook_deliveries', key: 'id', column: 'payload', json: true },
  { table: 'settings', key: 'key', column: 'value', json: true },
];

async function scrubNames(trx: Db, names: Set<string>, former: string): Promise<number> {
  let changed = 0;
  for (const name of names) {
    if (name.trim().length < 3) continue;
    const like = `%${name.replace(/[%_\\]/g, '_')}%`;
    for (const place of NAMED_TEXT) {
      const [find, by] = place.json
        ? [JSON.stringify(name), JSON.stringify(former)]
        : [name, former];
      const table = sql.table(place.table);
      const key = sql.ref(place.key);
      const column = sql.ref(place.column);
      const { rows } = await sql<{ row_key: string; text: string }>`
        select ${key} as row_key, ${column} as text from ${table} where ${column} like ${like}`.execute(
        trx,
      );
      for (const row of rows) {
        const text = replaceAll(row.text, find, by);
        if (text === row.text) continue;
        await sql`update ${table} set ${column} = ${text} where ${key} = ${row.row_key}`.execute(
          trx,
        );
        changed++;
      }
    }
  }
  return changed;
}

function replaceAll(text: string, find: string, by: string, ignoreCase = false): string {
  const escaped = find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(escaped, ignoreCase ? 'gi' : 'g'), by);
}
