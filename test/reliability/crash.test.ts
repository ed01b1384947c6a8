// Crash: a child `paved serve` takes keyed events, votes and survey answers
// while the test kills it with SIGKILL every 1–3 s (seeded) and starts it
// again; clients retry whatever was not answered, the way CI systems do.
// Afterwards nothing acknowledged is missing, nothing is there twice, the
// aggregates equal a count from the raw rows and SQLite's integrity check
// passes. Seeded: PAVED_RELIABILITY_SEED replays the same kill times.

import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/demo/random.ts';
import { engines, freshDatabase } from '../engines.ts';
import { type ChildServe, startChildServe } from './child.ts';
import {
  aggregateMismatches,
  CHILD_SECRET,
  duplicateEvents,
  keyedEvent,
  type Person,
  type Reply,
  seedWorld,
  sleep,
  sqliteIntegrity,
  untilAnswered,
} from './crash-support.ts';
import { SEED, sized } from './support.ts';

const CYCLES = Number(process.env.PAVED_CRASH_CYCLES) || sized(4, 60);
const PEOPLE = sized(40, 240);
const VOTERS = sized(12, 40);
const ITEMS = 4;
const BATCH = 50;
const ANSWER_WORKERS = 3;

interface IngestReply {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

/** What the clients were told, and what happened to them on the way. */
class Ledger {
  /** Event ids the server acknowledged, with the event. */
  events = new Map<string, Record<string, unknown>>();
  batches = 0;
  retriedBatches = 0;
  /** Retried batches the server had stored before it was killed (answered as duplicates). */
  committedBeforeKill = 0;
  /** (item|user) → voted, as last acknowledged. */
  votes = new Map<string, boolean>();
  voteOps = 0;
  retriedVotes = 0;
  /** People whose answer was acknowledged: 201, or 409 on a retry. */
  answered = new Map<string, string>();
  answeredBy409 = 0;
  retriedAnswers = 0;
  /** 5xx answers seen (retried). */
  serverErrors: string[] = [];
  failures: string[] = [];
}

describe.each(engines)('crash: SIGKILL every 1–3 s [%s]', (engine) => {
  it(
    `over ${CYCLES} kills and restarts, no acknowledged event, vote or answer is lost and none is stored twice`,
    async () => {
      const handle = await freshDatabase(engine);
      const world = await seedWorld(handle, { people: PEOPLE, items: ITEMS });
      const rng = createRandom(SEED, `crash/${engine}`);
      const env = { PAVED_DATABASE_URL: handle.url, PAVED_SECRET: CHILD_SECRET };
      const ledger = new Ledger();
      let url: string | null = null;
      let stopping = false;
      // On two busy cores a restarted server may be killed again before it answers anything:
      // clients keep trying while the kills go on, and give up only if the last server never answers.
      let crashing = true;
      const stillCrashing = () => crashing;
      const base = () => url;
      const onRetry = (reply: Reply) => {
        if (!reply.lost && reply.status >= 500)
          ledger.serverErrors.push(`${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      };
      const fail = (text: string) => {
        ledger.failures.push(text);
        stopping = true;
      };

      async function ingestClient(prefix: string, token: string, r: Random) {
        for (let n = 0; !stopping; n++) {
          const events = Array.from({ length: BATCH }, (_, i) =>
            keyedEvent(r, `${prefix}-${n}-${i}`, world),
          );
          const t = Date.now();
          ledger.batches++;
          const reply = await untilAnswered(
            base,
            '/api/v1/events',
            { method: 'POST', token, ndjson: events.map((e) => JSON.stringify(e)).join('\n') },
            { onRetry, stillCrashing },
          );
          const body = reply.body as IngestReply;
          if (reply.status !== 200 || body.rejected.length > 0)
            return fail(`batch ${prefix}-${n}: ${reply.status} ${JSON.stringify(body)}`);
          // One transaction: a batch is stored whole or not at all.
          if (body.accepted + body.duplicates !== BATCH || ![0, BATCH].includes(body.duplicates))
            return fail(`batch ${prefix}-${n} half stored: ${JSON.stringify(body)}`);
          if (reply.attempts > 1) {
            ledger.retriedBatches++;
            if (body.duplicates === BATCH) ledger.committedBeforeKill++;
          } else if (body.duplicates > 0) {
            return fail(`batch ${prefix}-${n} sent once but answered as duplicates`);
          }
          for (const e of events) ledger.events.set(e.id, e);
          // Below the ingest limit of 600 requests a minute per source.
          await sleep(Math.max(0, 120 - (Date.now() - t)));
        }
      }

      async function voter(person: Person, r: Random) {
        while (!stopping) {
          const item = r.pick(world.items);
          const vote = r.chance(0.6);
          const reply = await untilAnswered(
            base,
            `/api/v1/feedback/${item}/vote`,
            { method: vote ? 'PUT' : 'DELETE', token: person.token },
            { onRetry, stillCrashing },
          );
          if (reply.status !== 200 || (reply.body as { voted: boolean }).voted !== vote)
            return fail(
              `vote ${item} ${person.email}: ${reply.status} ${JSON.stringify(reply.body)}`,
            );
          ledger.voteOps++;
          if (reply.attempts > 1) ledger.retriedVotes++;
          ledger.votes.set(`${item}|${person.userId}`, vote);
          // Below the write limit of 120 a minute per person.
          await sleep(r.int(500, 1000));
        }
      }

      const queue = rng.shuffle(world.people);
      async function answerer(r: Random) {
        for (let person = queue.pop(); person && !stopping; person = queue.pop()) {
          const comment = `crash answer of ${person.personId}`;
          const reply = await untilAnswered(
            base,
            `/api/v1/surveys/${world.surveyId}/responses`,
            {
              method: 'POST',
              token: person.token,
              json: { answers: { nps: r.int(0, 10), comment } },
            },
            { onRetry, stillCrashing },
          );
          if (reply.attempts > 1) ledger.retriedAnswers++;
          // A retry of an answer that was stored is refused: it counts as acknowledged.
          if (reply.status === 409 && reply.attempts > 1) ledger.answeredBy409++;
          else if (reply.status !== 201)
            return fail(`answer of ${person.email}: ${reply.status} ${JSON.stringify(reply.body)}`);
          ledger.answered.set(person.personId, comment);
          await sleep(r.int(100, 400));
        }
      }

      let server: ChildServe = await startChildServe(env);
      url = server.url;
      const guard = (p: Promise<void>) => p.catch((error: Error) => fail(error.message));
      const clients = Promise.all(
        [
          ingestClient('tok', world.ingest.token, createRandom(SEED, `crash/${engine}/tok`)),
          ingestClient('acct', world.platform.token, createRandom(SEED, `crash/${engine}/acct`)),
          ...world.people
            .slice(0, VOTERS)
            .map((p, i) => voter(p, createRandom(SEED, `crash/${engine}/voter/${i}`))),
          ...Array.from({ length: ANSWER_WORKERS }, (_, i) =>
            answerer(createRandom(SEED, `crash/${engine}/answer/${i}`)),
          ),
        ].map(guard),
      );
      const started = performance.now();
      try {
        for (let cycle = 0; cycle < CYCLES && !stopping; cycle++) {
          await sleep(rng.int(1000, 3000));
          await server.stop('SIGKILL');
          url = null;
          server = await startChildServe(env);
          url = server.url;
        }
        // The last server stays up while every client finishes what it had in flight.
        crashing = false;
        stopping = true;
        await clients;
      } finally {
        crashing = false;
        stopping = true;
        await server.stop('SIGTERM');
      }
      const seconds = (performance.now() - started) / 1000;
      const { db } = handle;

      // Events: every acknowledged id once, nothing that was never acknowledged.
      const rows = await db.selectFrom('signal_events').select('client_id').execute();
      const stored = new Map<string, number>();
      for (const r of rows) stored.set(r.client_id, (stored.get(r.client_id) ?? 0) + 1);
      const lostEvents = [...ledger.events.keys()].filter((id) => !stored.has(id));
      const duplicateRows =
        (await duplicateEvents(db)) + [...stored.values()].filter((n) => n > 1).length;
      const unacknowledged = [...stored.keys()].filter((id) => !ledger.events.has(id));
      const aggregates = await aggregateMismatches(db);

      // Votes: the rows are exactly what each voter was last told.
      const voteRows = await db
        .selectFrom('feedback_votes')
        .select(['item_id', 'user_id'])
        .execute();
      const voted = new Set(voteRows.map((v) => `${v.item_id}|${v.user_id}`));
      const voteMismatches = [...ledger.votes].filter(([key, v]) => voted.has(key) !== v);
      const strayVotes = [...voted].filter((key) => !ledger.votes.get(key));
      const votesPerItem = new Map<string, number>();
      for (const [key, v] of ledger.votes)
        if (v)
          votesPerItem.set(key.split('|')[0]!, (votesPerItem.get(key.split('|')[0]!) ?? 0) + 1);
      const countMismatches: string[] = [];
      const reader = await startChildServe(env);
      try {
        for (const item of world.items) {
          const reply = await untilAnswered(() => reader.url, `/api/v1/feedback/${item}`, {
            method: 'GET',
            token: world.platform.token,
          });
          const votes = (reply.body as { votes: number }).votes;
          if (votes !== (votesPerItem.get(item) ?? 0))
            countMismatches.push(`${item}: shows ${votes}, voters ${votesPerItem.get(item) ?? 0}`);
        }
      } finally {
        await reader.stop();
      }

      // Answers: one participation and one response per acknowledged person, each comment once.
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
      const commentCount = new Map<string, number>();
      for (const c of comments) commentCount.set(c.body, (commentCount.get(c.body) ?? 0) + 1);
      const lostAnswers = [...ledger.answered.values()].filter((c) => !commentCount.has(c));
      const twiceAnswered = [...commentCount.values()].filter((n) => n > 1).length;
      const integrity = engine === 'sqlite' ? await sqliteIntegrity(db) : ['ok'];

      console.info(
        [
          `crash [${engine}] seed ${SEED}: ${CYCLES} kills in ${seconds.toFixed(0)} s`,
          `events: ${ledger.events.size} acknowledged in ${ledger.batches} batches of ${BATCH}; ${ledger.retriedBatches} batches retried, ${ledger.committedBeforeKill} of them stored before the kill; lost ${lostEvents.length}, duplicate rows ${duplicateRows}, unacknowledged rows ${unacknowledged.length}, aggregate mismatches ${aggregates.length}`,
          `votes: ${ledger.voteOps} acknowledged operations by ${VOTERS} voters (${ledger.retriedVotes} retried); rows that differ from the client ${voteMismatches.length + strayVotes.length}, counts that differ ${countMismatches.length}`,
          `answers: ${ledger.answered.size} acknowledged (${ledger.answeredBy409} by a 409 on retry, ${ledger.retriedAnswers} retried); participation ${participation.length}, responses ${responses.length}, lost ${lostAnswers.length}, twice ${twiceAnswered}`,
          `5xx answers retried: ${ledger.serverErrors.length}; integrity: ${integrity.join(', ')}`,
        ].join('\n'),
      );
      try {
        expect(ledger.failures).toEqual([]);
        expect(ledger.events.size).toBeGreaterThan(0);
        expect(lostEvents).toEqual([]);
        expect(duplicateRows).toBe(0);
        expect(unacknowledged).toEqual([]);
        expect(aggregates).toEqual([]);
        expect(ledger.voteOps).toBeGreaterThan(0);
        expect(voteMismatches).toEqual([]);
        expect(strayVotes).toEqual([]);
        expect(countMismatches).toEqual([]);
        expect(ledger.answered.size).toBeGreaterThan(0);
        expect(lostAnswers).toEqual([]);
        expect(twiceAnswered).toBe(0);
        expect(participation).toHaveLength(ledger.answered.size);
        expect(responses).toHaveLength(ledger.answered.size);
        expect(ledger.serverErrors).toEqual([]);
        expect(integrity).toEqual(['ok']);
      } finally {
        await handle.close();
      }
    },
    sized(600_000, 7_200_000),
  );
});
