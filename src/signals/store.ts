import { type Insertable, type RawBuilder, sql } from 'kysely';
import { batchSize, chunk, newId } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type {
  Database,
  SignalCapabilityUsageTable,
  SignalChangeLeadTimesTable,
  SignalDeploysTable,
  SignalIncidentsTable,
  SignalPersonMilestonesTable,
  SignalPullRequestsTable,
  SignalTeamDaysTable,
  SignalTeamMonthsTable,
  SignalUnplannedWorkTable,
} from '../core/db/schema.ts';
import {
  dayOf,
  eventTime,
  type IngestResult,
  isProduction,
  leadTimes,
  type Milestone,
  mergeIncident,
  quarterKey,
  type ResolvedEvent,
  secondsBetween,
  teamOf,
} from './model.ts';

type Incident = Extract<ResolvedEvent, { type: 'incident' }>;

/** One resolved event and the line it came from (1-based), for the answer. */
export interface Item {
  line: number;
  event: ResolvedEvent;
}

/**
 * Writes resolved events for a source and updates every aggregate, only for
 * the rows this call actually inserted: `insert … on conflict do nothing
 * returning` tells which, so a resend (or a racing request with the same ids)
 * is a duplicate and never counts twice. Run it inside a transaction.
 *
 * Rows are written in client-id order and aggregates in key order, so two
 * concurrent batches on PostgreSQL lock rows in the same order and cannot
 * deadlock. Incidents are the one type a resend may update: a later event with
 * the same id may add `resolved` or the cause (see `mergeIncident`).
 */
export async function insertEvents(
  trx: Db,
  sourceId: string,
  batchId: string | null,
  items: readonly Item[],
  receivedAt: string,
): Promise<IngestResult> {
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
  // The first occurrence of each id is inserted; later ones are duplicates (or incident updates).
  const first = new Map<string, Item>();
  const later: Item[] = [];
  for (const item of items) {
    if (first.has(item.event.id)) later.push(item);
    else first.set(item.event.id, item);
  }
  const candidates = [...first.values()].sort((a, b) => compare(a.event.id, b.event.id));
  const inserted: Inserted[] = [];
  const conflicted: Item[] = [];
  for (const part of chunk(candidates, batchSize(10))) {
    const rows = part.map(({ event }) => ({
      id: newId(),
      source_id: sourceId,
      client_id: event.id,
      type: event.type,
      team_id: teamOf(event),
      person_id: event.type === 'milestone' ? event.personId : null,
      at: eventTime(event),
      payload: JSON.stringify(event),
      batch_id: batchId,
      received_at: receivedAt,
    }));
    const done = await trx
      .insertInto('signal_events')
      .values(rows)
      .onConflict((oc) => oc.columns(['source_id', 'client_id']).doNothing())
      .returning(['id', 'client_id'])
      .execute();
    const ids = new Map(done.map((r) => [r.client_id, r.id]));
    for (const item of part) {
      const id = ids.get(item.event.id);
      if (id) inserted.push({ eventId: id, event: item.event });
      else conflicted.push(item);
    }
  }
  result.accepted += inserted.length;
  await writeAggregates(trx, sourceId, inserted);

  // Resends: incidents may be updated; everything else is a duplicate.
  const resends = [...conflicted, ...later].sort((a, b) => a.line - b.line);
  for (const item of resends) {
    if (item.event.type !== 'incident') {
      result.duplicates++;
      continue;
    }
    const outcome = await updateIncident(trx, sourceId, item.event);
    if (outcome === 'duplicate') result.duplicates++;
    else if (outcome === 'updated') result.accepted++;
    else result.rejected.push({ line: item.line, reason: outcome.reason });
  }
  return result;
}

/** An event this call inserted, with its database id (the projections reference it). */
interface Inserted {
  eventId: string;
  event: ResolvedEvent;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Applies an incident resend: `updated`, `duplicate`, or a reason to reject it. */
async function updateIncident(
  trx: Db,
  sourceId: string,
  update: Incident,
): Promise<'updated' | 'duplicate' | { reason: string }> {
  // Compare and swap on the stored payload: when a racing request changed the
  // incident meanwhile, read it again and merge into its version, so two
  // updates (one resolves, one names the cause) both survive on both engines.
  for (;;) {
    const row = await trx
      .selectFrom('signal_events')
      .select(['id', 'type', 'payload'])
      .where('source_id', '=', sourceId)
      .where('client_id', '=', update.id)
      .executeTakeFirst();
    if (row?.type !== 'incident') return 'duplicate';
    const stored = JSON.parse(row.payload) as Incident;
    const merged = mergeIncident(stored, update);
    if (!merged.ok) return { reason: merged.reason };
    if (merged.value === stored) return 'duplicate';
    const next = merged.value;
    const swapped = await trx
      .updateTable('signal_events')
      .set({ payload: JSON.stringify(next) })
      .where('id', '=', row.id)
      .where('payload', '=', row.payload)
      .executeTakeFirst();
    if (Number(swapped.numUpdatedRows) === 0) continue;
    await trx
      .updateTable('signal_incidents')
      .set({
        resolved_at: next.resolved,
        cause_deploy_source_id: next.causeDeploy?.sourceId ?? null,
        cause_deploy_client_id: next.causeDeploy?.clientId ?? null,
        cause_capability_id: next.causeCapabilityId,
      })
      .where('event_id', '=', row.id)
      .execute();
    return 'updated';
  }
}

type TeamDay = Insertable<SignalTeamDaysTable> & {
  deploys: number;
  failed_deploys: number;
  deploy_seconds_sum: number;
  deploy_seconds_count: number;
  lead_seconds_sum: number;
  lead_seconds_count: number;
  merged_prs: number;
  incidents: number;
};

/** Writes the per-event projections and adds the batch's contribution to the aggregates. */
async function writeAggregates(
  trx: Db,
  sourceId: string,
  events: readonly Inserted[],
): Promise<void> {
  if (events.length === 0) return;
  const teamDays = new Map<string, TeamDay>();
  const teamDay = (teamId: string, day: string): TeamDay => {
    const key = `${teamId}\u0000${day}`;
    let row = teamDays.get(key);
    if (!row) {
      row = {
        team_id: teamId,
        day,
        deploys: 0,
        failed_deploys: 0,
        deploy_seconds_sum: 0,
        deploy_seconds_count: 0,
        lead_seconds_sum: 0,
        lead_seconds_count: 0,
        merged_prs: 0,
        incidents: 0,
      };
      teamDays.set(key, row);
    }
    return row;
  };
  const deploys: Insertable<SignalDeploysTable>[] = [];
  const leads: Insertable<SignalChangeLeadTimesTable>[] = [];
  const incidents: Insertable<SignalIncidentsTable>[] = [];
  const pullRequests: Insertable<SignalPullRequestsTable>[] = [];
  const unplanned = new Map<string, Insertable<SignalUnplannedWorkTable>>();
  const usage = new Map<string, Insertable<SignalCapabilityUsageTable>>();
  const milestones = new Map<string, Insertable<SignalPersonMilestonesTable>>();
  const milestone = (personId: string, kind: Milestone, at: string) => {
    const key = `${personId}\u0000${kind}`;
    const old = milestones.get(key);
    if (!old || at < old.first_at)
      milestones.set(key, { person_id: personId, milestone: kind, first_at: at });
  };
  // Authors with a merged PR in this batch, and their earliest merge in it.
  const authors = new Map<string, string>();

  for (const { eventId, event: e } of events) {
    switch (e.type) {
      case 'deploy': {
        if (!isProduction(e.environment)) break;
        const day = dayOf(e.finished);
        const success = e.outcome === 'success';
        const duration = e.started ? secondsBetween(e.started, e.finished) : null;
        const lead = success ? leadTimes(e.finished, e.commitTimes) : [];
        deploys.push({
          event_id: eventId,
          source_id: sourceId,
          client_id: e.id,
          team_id: e.teamId,
          service: e.service,
          outcome: e.outcome,
          finished_at: e.finished,
          day,
          duration_seconds: duration,
          capability_id: e.capabilityId,
          changes: e.commitTimes.length,
        });
        for (const [position, seconds] of lead.entries()) {
          leads.push({ deploy_event_id: eventId, position, team_id: e.teamId, day, seconds });
        }
        const row = teamDay(e.teamId, day);
        if (success) {
          row.deploys++;
          if (duration !== null) {
            row.deploy_seconds_sum += duration;
            row.deploy_seconds_count++;
          }
          for (const s of lead) row.lead_seconds_sum += s;
          row.lead_seconds_count += lead.length;
        } else row.failed_deploys++;
        break;
      }
      case 'pull_request': {
        pullRequests.push({
          event_id: eventId,
          team_id: e.teamId,
          author_id: e.authorId,
          opened_at: e.opened,
          merged_at: e.merged,
        });
        if (e.merged) teamDay(e.teamId, dayOf(e.merged)).merged_prs++;
        if (e.authorId) {
          milestone(e.authorId, 'first_pr', e.opened);
          const earliest = authors.get(e.authorId);
          if (e.merged && (!earliest || e.merged < earliest)) authors.set(e.authorId, e.merged);
        }
        break;
      }
      case 'incident': {
        const day = dayOf(e.started);
        incidents.push({
          event_id: eventId,
          team_id: e.teamId,
          started_at: e.started,
          day,
          resolved_at: e.resolved,
          cause_deploy_source_id: e.causeDeploy?.sourceId ?? null,
          cause_deploy_client_id: e.causeDeploy?.clientId ?? null,
          cause_capability_id: e.causeCapabilityId,
        });
        teamDay(e.teamId, day).incidents++;
        break;
      }
      case 'unplanned_work': {
        const quarter = quarterKey(e.at);
        const key = [e.teamId, quarter, e.capabilityId, e.cause].join('\u0000');
        const row = unplanned.get(key) ?? {
          team_id: e.teamId,
          quarter,
          capability_id: e.capabilityId,
          cause: e.cause,
          hours: 0,
          reports: 0,
        };
        row.hours = (row.hours as number) + e.hours;
        row.reports = (row.reports as number) + 1;
        unplanned.set(key, row);
        break;
      }
      case 'milestone':
        milestone(e.personId, e.milestone, e.at);
        break;
      case 'usage': {
        const day = dayOf(e.at);
        const key = [e.teamId, e.capabilityId, day].join('\u0000');
        const row = usage.get(key) ?? {
          team_id: e.teamId,
          capability_id: e.capabilityId,
          day,
          uses: 0,
        };
        row.uses = (row.uses as number) + e.count;
        usage.set(key, row);
        break;
      }
    }
  }

  for (const part of chunk(deploys, batchSize(11))) {
    await trx.insertInto('signal_deploys').values(part).execute();
  }
  for (const part of chunk(leads, batchSize(5))) {
    await trx.insertInto('signal_change_lead_times').values(part).execute();
  }
  for (const part of chunk(incidents, batchSize(8))) {
    await trx.insertInto('signal_incidents').values(part).execute();
  }
  for (const part of chunk(pullRequests, batchSize(5))) {
    await trx.insertInto('signal_pull_requests').values(part).execute();
  }
  // The tenth merged PR of each author with a merged PR in this batch (onboarding).
  for (const part of chunk(await authorsToRank(trx, authors), 1000)) {
    const { rows } = await sql<{ author_id: string; merged_at: string }>`
      select author_id, merged_at from (
        select author_id, merged_at,
          row_number() over (partition by author_id order by merged_at, event_id) as rn
        from signal_pull_requests
        where merged_at is not null and author_id in (${sql.join(part)})
      ) ranked where rn = 10`.execute(trx);
    for (const r of rows) milestone(r.author_id, 'tenth_pr', r.merged_at);
  }

  await upsertTeamDays(trx, sorted(teamDays, ['team_id', 'day']));
  await upsertTeamMonths(trx, sorted(teamMonths(teamDays.values()), ['team_id', 'month']));
  for (const part of chunk(
    sorted(unplanned, ['team_id', 'quarter', 'capability_id', 'cause']),
    batchSize(6),
  )) {
    await trx
      .insertInto('signal_unplanned_work')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['team_id', 'quarter', 'capability_id', 'cause'])
          .doUpdateSet(addedToStored('signal_unplanned_work', ['hours', 'reports'])),
      )
      .execute();
  }
  for (const part of chunk(sorted(usage, ['team_id', 'capability_id', 'day']), batchSize(4))) {
    await trx
      .insertInto('signal_capability_usage')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['team_id', 'capability_id', 'day'])
          .doUpdateSet(addedToStored('signal_capability_usage', ['uses'])),
      )
      .execute();
  }
  for (const part of chunk(sorted(milestones, ['person_id', 'milestone']), batchSize(3))) {
    await trx
      .insertInto('signal_person_milestones')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['person_id', 'milestone']).doUpdateSet({
          // The earliest time is kept, whatever order events arrive in.
          first_at: sql`case when excluded.first_at < signal_person_milestones.first_at then excluded.first_at else signal_person_milestones.first_at end`,
        }),
      )
      .execute();
  }
}

/**
 * The authors whose tenth merged PR may have changed: those without one yet,
 * and those with a merge in this batch before their recorded tenth (a PR
 * merged later can never make the tenth earlier). Keeps bulk loads linear.
 */
async function authorsToRank(trx: Db, authors: Map<string, string>): Promise<string[]> {
  const known = new Map<string, string>();
  for (const part of chunk([...authors.keys()], 1000)) {
    const rows = await trx
      .selectFrom('signal_person_milestones')
      .select(['person_id', 'first_at'])
      .where('milestone', '=', 'tenth_pr')
      .where('person_id', 'in', part)
      .execute();
    for (const r of rows) known.set(r.person_id, r.first_at);
  }
  return [...authors]
    .filter(([id, earliest]) => {
      const tenth = known.get(id);
      return tenth === undefined || earliest < tenth;
    })
    .map(([id]) => id)
    .sort();
}

async function upsertTeamDays(trx: Db, rows: TeamDay[]): Promise<void> {
  for (const part of chunk(rows, batchSize(10))) {
    await trx
      .insertInto('signal_team_days')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['team_id', 'day'])
          .doUpdateSet(
            addedToStored('signal_team_days', [
              'deploys',
              'failed_deploys',
              'deploy_seconds_sum',
              'deploy_seconds_count',
              'lead_seconds_sum',
              'lead_seconds_count',
              'merged_prs',
              'incidents',
            ]),
          ),
      )
      .execute();
  }
}

type TeamMonth = Insertable<SignalTeamMonthsTable> & {
  deploy_seconds_sum: number;
  deploy_seconds_count: number;
  lead_seconds_sum: number;
  lead_seconds_count: number;
};

/**
 * The batch's team-day deltas summed per team and month, for
 * signal_team_months: a row for every month a team-day row was touched in
 * (even with nothing to add), so the months always equal the days by month.
 */
function teamMonths(days: Iterable<TeamDay>): Map<string, TeamMonth> {
  const months = new Map<string, TeamMonth>();
  for (const d of days) {
    const month = d.day.slice(0, 7);
    const key = `${d.team_id}\u0000${month}`;
    const row = months.get(key) ?? {
      team_id: d.team_id,
      month,
      deploy_seconds_sum: 0,
      deploy_seconds_count: 0,
      lead_seconds_sum: 0,
      lead_seconds_count: 0,
    };
    row.deploy_seconds_sum += d.deploy_seconds_sum;
    row.deploy_seconds_count += d.deploy_seconds_count;
    row.lead_seconds_sum += d.lead_seconds_sum;
    row.lead_seconds_count += d.lead_seconds_count;
    months.set(key, row);
  }
  return months;
}

/** Adds team-month deltas, after the days and in key order (the same lock discipline). */
async function upsertTeamMonths(trx: Db, rows: TeamMonth[]): Promise<void> {
  for (const part of chunk(rows, batchSize(6))) {
    await trx
      .insertInto('signal_team_months')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['team_id', 'month'])
          .doUpdateSet(
            addedToStored('signal_team_months', [
              'deploy_seconds_sum',
              'deploy_seconds_count',
              'lead_seconds_sum',
              'lead_seconds_count',
            ]),
          ),
      )
      .execute();
  }
}

/**
 * The update of a counter table's upsert: on a key already stored, each of
 * `columns` becomes what is stored plus what the row brings.
 */
function addedToStored<T extends keyof Database, C extends keyof Database[T] & string>(
  table: T,
  columns: readonly C[],
): Record<C, RawBuilder<number>> {
  return Object.fromEntries(
    columns.map((c) => [c, sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`]),
  ) as Record<C, RawBuilder<number>>;
}

/** The rows of a map in the order of their key columns (the lock order). */
function sorted<T extends object>(rows: Map<string, T>, keys: (keyof T)[]): T[] {
  return [...rows.values()].sort((a, b) => {
    for (const k of keys) {
      const c = compare(String(a[k]), String(b[k]));
      if (c !== 0) return c;
    }
    return 0;
  });
}
