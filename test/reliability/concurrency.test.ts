// Concurrency: two `paved serve` processes on one PostgreSQL database, as
// several instances behind a load balancer run. Racing votes and unvotes,
// the same keyed events and the same GitHub delivery sent many times at once,
// the same status change from many hands and the same person answering a
// survey twice at once, spread over both servers: nothing is counted twice
// and every side effect (status change, notification, email, event row)
// happens once. paved has no Idempotency-Key header: event ids per source and
// X-GitHub-Delivery are its idempotency keys, so those are what is raced.

import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/demo/random.ts';
import { freshDatabase, postgresUrl } from '../engines.ts';
import { startSmtpServer } from '../smtp.ts';
import { type ChildServe, startChildServe } from './child.ts';
import {
  aggregateMismatches,
  CHILD_SECRET,
  duplicateEvents,
  keyedEvent,
  type Reply,
  seedWorld,
  send,
  sleep,
} from './crash-support.ts';
import { SEED, sized } from './support.ts';

const VOTERS = Number(process.env.PAVED_CONCURRENCY_VOTERS) || sized(100, 1000);
const OPS = 10;
const SAME_KEY = 50;
const TWICE = sized(20, 100);
const GITHUB_SECRET = 'concurrency-github-secret-0123';

/** Runs tasks with at most `limit` at once, in order of start. */
async function inPool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) out[i] = await tasks[i]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

const statusOf = (r: Reply) => (r.lost ? `lost: ${r.error}` : r.status);

describe.runIf(postgresUrl)('two servers on one PostgreSQL database', () => {
  it(
    `${VOTERS} voters × ${OPS} racing votes, one event batch and one GitHub delivery ${SAME_KEY} times at once, a status change from ${SAME_KEY / 2} hands and ${TWICE} people answering twice at once: no duplicate, every side effect once`,
    async () => {
      const handle = await freshDatabase('postgres');
      const { db } = handle;
      const world = await seedWorld(handle, { people: Math.max(VOTERS, TWICE), items: 2 });
      const [item, other] = world.items as [string, string];
      // Everyone hears of status changes by email at once, so emails can be counted.
      await db
        .insertInto('notification_preferences')
        .values(
          world.people.map((p) => ({
            user_id: p.userId,
            email_mode: 'immediate',
            subscribe_on_vote: 1,
            updated_at: new Date().toISOString(),
          })),
        )
        .execute();
      await db
        .insertInto('signal_repository_teams')
        .values({
          repository: 'rel/app',
          team_id: (
            await db
              .selectFrom('teams')
              .select('id')
              .where('slug', '=', 'rel-a')
              .executeTakeFirstOrThrow()
          ).id,
          created_by: null,
          created_at: new Date().toISOString(),
        })
        .execute();
      const smtp = await startSmtpServer();
      const env = {
        PAVED_DATABASE_URL: handle.url,
        PAVED_SECRET: CHILD_SECRET,
        PAVED_SMTP_URL: smtp.url,
        PAVED_MAIL_FROM: 'paved@example.test',
        PAVED_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      };
      const servers: ChildServe[] = [];
      const rng = createRandom(SEED, 'concurrency');
      try {
        servers.push(...(await Promise.all([startChildServe(env), startChildServe(env)])));
        const [a, b] = servers as [ChildServe, ChildServe];
        const on = (i: number) => (i % 2 === 0 ? a.url : b.url);
        const unexpected: string[] = [];

        // 1. Votes: nine racing operations per voter across both servers, then a last one.
        const started = performance.now();
        const voters = world.people.slice(0, VOTERS);
        const finalVote = new Map<string, boolean>();
        const everVoted = new Set<string>();
        await inPool(
          24,
          voters.map((voter, v) => async () => {
            const ops = Array.from({ length: OPS }, () => rng.chance(0.5));
            const vote = (put: boolean, i: number) =>
              send(on(v + i), `/api/v1/feedback/${item}/vote`, {
                method: put ? 'PUT' : 'DELETE',
                token: voter.token,
              }).then((r) => {
                if (r.lost || r.status !== 200)
                  unexpected.push(
                    `vote ${put ? 'PUT' : 'DELETE'}: ${statusOf(r)} ${r.lost ? '' : JSON.stringify(r.body)}`,
                  );
                else if (put) everVoted.add(voter.userId);
              });
            await Promise.all(ops.slice(0, -1).map((put, i) => vote(put, i)));
            await vote(ops.at(-1)!, OPS - 1);
            finalVote.set(voter.userId, ops.at(-1)!);
          }),
        );
        const voteSeconds = (performance.now() - started) / 1000;
        const voteRows = await db
          .selectFrom('feedback_votes')
          .select('user_id')
          .where('item_id', '=', item)
          .execute();
        const expectedVoters = [...finalVote]
          .filter(([, v]) => v)
          .map(([id]) => id)
          .sort();
        const shown = await Promise.all(
          [a, b].map(async (s) => {
            const r = await send(s.url, `/api/v1/feedback/${item}`, {
              method: 'GET',
              token: world.platform.token,
            });
            return r.lost ? -1 : (r.body as { votes: number }).votes;
          }),
        );
        const subscribers = await db
          .selectFrom('feedback_subscriptions')
          .select('user_id')
          .where('item_id', '=', item)
          .where('active', '=', 1)
          .execute();

        // 2. The same batch of keyed events, 50 times at once.
        const events = Array.from({ length: 40 }, (_, i) => keyedEvent(rng, `same-${i}`, world));
        const ndjson = events.map((e) => JSON.stringify(e)).join('\n');
        const ingests = await Promise.all(
          Array.from({ length: SAME_KEY }, (_, i) =>
            send(on(i), '/api/v1/events', {
              method: 'POST',
              token: world.ingest.token,
              ndjson,
            }),
          ),
        );
        let accepted = 0;
        let duplicates = 0;
        for (const r of ingests) {
          if (r.lost || r.status !== 200) {
            unexpected.push(`events: ${statusOf(r)} ${r.lost ? '' : JSON.stringify(r.body)}`);
            continue;
          }
          const body = r.body as { accepted: number; duplicates: number };
          accepted += body.accepted;
          duplicates += body.duplicates;
        }
        const eventRows = await db
          .selectFrom('signal_events')
          .select('client_id')
          .where('source_id', '=', world.ingest.sourceId)
          .execute();

        // 3. The same GitHub delivery, 50 times at once.
        const delivery = JSON.stringify({
          action: 'created',
          repository: { full_name: 'rel/app' },
          deployment: { environment: 'production', created_at: '2026-10-05T10:00:00Z' },
          deployment_status: {
            id: 424242,
            state: 'success',
            environment: 'production',
            created_at: '2026-10-05T10:12:00Z',
          },
        });
        const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(delivery).digest('hex')}`;
        const hooks = await Promise.all(
          Array.from({ length: SAME_KEY }, async (_, i) => {
            try {
              const res = await fetch(`${on(i)}/hooks/github`, {
                method: 'POST',
                headers: {
                  'Content-Type': 'application/json',
                  'X-GitHub-Event': 'deployment_status',
                  'X-GitHub-Delivery': 'rel-delivery-1',
                  'X-Hub-Signature-256': signature,
                },
                body: delivery,
              });
              await res.arrayBuffer();
              return res.status;
            } catch (error) {
              return `lost: ${error}`;
            }
          }),
        );
        for (const s of hooks) if (typeof s !== 'number' || s >= 300) unexpected.push(`hook: ${s}`);
        const hookDeliveries = await db
          .selectFrom('signal_github_deliveries')
          .select('delivery_id')
          .execute();
        const hookEvents = await db
          .selectFrom('signal_events')
          .select('id')
          .where('client_id', '=', 'deployment_status:424242')
          .execute();

        // 4. The same status change from many hands on both servers: one wins.
        const changes = await Promise.all(
          Array.from({ length: SAME_KEY / 2 }, (_, i) =>
            send(on(i), `/api/v1/feedback/${item}/status`, {
              method: 'POST',
              token: world.platform.token,
              json: { status: 'acknowledged', note: 'We are looking at it.' },
            }),
          ),
        );
        const changeStatuses = changes.map(statusOf);
        const statusRows = await db
          .selectFrom('feedback_status_changes')
          .select('id')
          .where('item_id', '=', item)
          .execute();
        const notified = await db
          .selectFrom('notifications')
          .select('user_id')
          .where('kind', '=', 'feedback.status')
          .execute();
        const audits = await db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'feedback.status')
          .execute();
        // Both servers deliver email (after the commit and in the background): each once.
        const sending = performance.now();
        let pending = -1;
        for (let i = 0; i < 600 && pending !== 0; i++) {
          if (i > 0) await sleep(200);
          const row = await db
            .selectFrom('notifications')
            .select(sql<number>`count(*)`.as('n'))
            .where('email_status', 'in', ['pending', 'failed'])
            .executeTakeFirstOrThrow();
          pending = Number(row.n);
        }
        const emailSeconds = (performance.now() - sending) / 1000;
        await sleep(500);
        const emailed = await db
          .selectFrom('notifications')
          .select('email_status')
          .where('kind', '=', 'feedback.status')
          .execute();
        const emailsPer = new Map<string, number>();
        for (const m of smtp.messages)
          for (const to of m.to) emailsPer.set(to, (emailsPer.get(to) ?? 0) + 1);
        const subscriberEmails = new Set(
          world.people
            .filter((p) => subscribers.some((s) => s.user_id === p.userId))
            .map((p) => p.email),
        );

        // 5. One person, two answers at once, one on each server.
        const twice = world.people.slice(0, TWICE);
        const answers = await Promise.all(
          twice.map((p, i) =>
            Promise.all(
              [a.url, b.url].map((url) =>
                send(url, `/api/v1/surveys/${world.surveyId}/responses`, {
                  method: 'POST',
                  token: p.token,
                  json: { answers: { nps: i % 11, comment: `twice ${i}` } },
                }),
              ),
            ),
          ),
        );
        const answerOutcomes = answers.map((pair) => pair.map(statusOf).sort().join('+'));
        const participation = await db
          .selectFrom('survey_participation')
          .select('hash')
          .where('survey_id', '=', world.surveyId)
          .execute();
        const responses = await db
          .selectFrom('survey_responses')
          .select('id')
          .where('survey_id', '=', world.surveyId)
          .execute();
        const comments = await db
          .selectFrom('survey_comments')
          .select('body')
          .where('survey_id', '=', world.surveyId)
          .execute();

        // A vote on another item afterwards: both servers still answer.
        const after = await Promise.all(
          [a, b].map((s) =>
            send(s.url, `/api/v1/feedback/${other}/vote`, {
              method: 'PUT',
              token: world.people[0]!.token,
            }),
          ),
        );

        console.info(
          [
            `concurrency seed ${SEED}: ${VOTERS} voters × ${OPS} operations (${VOTERS * OPS} requests) over two servers in ${voteSeconds.toFixed(1)} s`,
            `votes: ${voteRows.length} rows for ${expectedVoters.length} voters whose last word was a vote; shown ${shown.join(' and ')}; ${subscribers.length} subscribers of ${everVoted.size} who ever voted`,
            `same event batch ×${SAME_KEY}: ${eventRows.length} rows for ${events.length} ids, accepted ${accepted}, duplicates ${duplicates}`,
            `same GitHub delivery ×${SAME_KEY}: ${hookDeliveries.length} delivery rows, ${hookEvents.length} events`,
            `same status change ×${SAME_KEY / 2}: ${changeStatuses.filter((s) => s === 200).length}×200, ${changeStatuses.filter((s) => s === 409).length}×409, ${changeStatuses.filter((s) => s === 400).length}×400 already acknowledged; ${statusRows.length} status rows, ${notified.length} notifications for ${subscribers.length} subscribers, ${audits.length} audit rows, ${smtp.messages.length} emails (all sent ${emailSeconds.toFixed(1)} s after the change)`,
            `same person twice at once ×${TWICE}: ${[...new Set(answerOutcomes)].join(', ')}; participation ${participation.length}, responses ${responses.length}`,
            `unexpected answers: ${unexpected.length}`,
          ].join('\n'),
        );

        expect(unexpected).toEqual([]);
        // Votes: rows, never counters; one per voter; what both servers show.
        expect(voteRows.map((r) => r.user_id).sort()).toEqual(expectedVoters);
        expect(shown).toEqual([expectedVoters.length, expectedVoters.length]);
        const { rows: twiceVoted } = await sql<{ n: number }>`
          select count(*) as n from (select item_id, user_id from feedback_votes
          group by item_id, user_id having count(*) > 1) d`.execute(db);
        expect(Number(twiceVoted[0]!.n)).toBe(0);
        expect(subscribers.map((s) => s.user_id).sort()).toEqual([...everVoted].sort());
        // Keyed events: each id stored and counted once, whoever won the race.
        expect(eventRows.map((r) => r.client_id).sort()).toEqual(events.map((e) => e.id).sort());
        expect(accepted).toBe(events.length);
        expect(duplicates).toBe(events.length * (SAME_KEY - 1));
        expect(await duplicateEvents(db)).toBe(0);
        expect(await aggregateMismatches(db)).toEqual([]);
        expect(hookDeliveries).toEqual([{ delivery_id: 'rel-delivery-1' }]);
        expect(hookEvents).toHaveLength(1);
        // One status change, and its side effects once.
        expect(changeStatuses.filter((s) => s === 200)).toHaveLength(1);
        // The losers are told someone changed it meanwhile (409), or, when they read it after
        // the winner's commit, that it is already acknowledged (400 on status).
        for (const r of changes.filter((c) => c.lost || c.status !== 200)) {
          if (!r.lost && r.status === 400)
            expect(JSON.stringify(r.body)).toContain('The item is already acknowledged.');
          else expect(statusOf(r)).toBe(409);
        }
        expect(statusRows).toHaveLength(1);
        expect(audits).toHaveLength(1);
        expect(notified.map((n) => n.user_id).sort()).toEqual(
          subscribers.map((s) => s.user_id).sort(),
        );
        expect(pending, 'emails still unsent after two minutes').toBe(0);
        expect(emailed.map((n) => n.email_status)).toEqual(notified.map(() => 'sent'));
        expect(smtp.messages).toHaveLength(subscriberEmails.size);
        expect(new Set(emailsPer.keys())).toEqual(subscriberEmails);
        expect([...emailsPer.values()].every((n) => n === 1)).toBe(true);
        // Each person answered once: one 201 and one 409.
        expect(new Set(answerOutcomes)).toEqual(new Set(['201+409']));
        expect(participation).toHaveLength(TWICE);
        expect(responses).toHaveLength(TWICE);
        expect(comments.map((c) => c.body).sort()).toEqual(
          twice.map((_, i) => `twice ${i}`).sort(),
        );
        expect(after.map(statusOf)).toEqual([200, 200]);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await smtp.stop();
        await handle.close();
      }
    },
    sized(300_000, 1_800_000),
  );
});

if (!postgresUrl) {
  describe.skip('two servers on one PostgreSQL database — skipped: PAVED_TEST_POSTGRES_URL is not set', () => {});
}
