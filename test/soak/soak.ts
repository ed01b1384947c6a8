// `npm run soak [-- --minutes N] [-- --report FILE]`: mixed load on one child
// `paved serve` (SQLite, a fresh database in a temporary folder) for 10
// minutes by default — keyed event batches, page views, votes, survey
// answers and API reads, each at a steady pace — while its resident set is
// sampled. Writes the error rate, latency percentiles and RSS over time to
// data/soak-report.md (git-ignored) and prints it; exits 1 when requests
// failed or the RSS did not level off (the last third's peak more than 10%
// above the middle third's). Not part of CI.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/core/db/index.ts';
import { migrateToLatest } from '../../src/core/db/migrate.ts';
import { createRandom, type Random } from '../../src/demo/random.ts';
import { startChildServe } from '../reliability/child.ts';
import {
  CHILD_SECRET,
  keyedEvent,
  type ReliabilityWorld,
  seedWorld,
  sleep,
} from '../reliability/crash-support.ts';
import { type Sample, soakReport } from './soak-report.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    report: { type: 'string', default: 'data/soak-report.md' },
    seed: { type: 'string', default: '20261001' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 24 * 60)) {
  process.stderr.write(`--minutes must be a number of minutes above 0; got ${values.minutes}.\n`);
  process.exit(2);
}
const seed = Number(values.seed);

/** VmRSS of a process in MB, from /proc (null where there is none). */
function rssOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

const PAGES = ['/', '/feedback', '/roadmap', '/capabilities', '/surveys', '/teams', '/figures'];

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'paved-soak-'));
  const url = `sqlite:${join(dir, 'soak.db')}`;
  process.stderr.write(`Seeding ${url} …\n`);
  const handle = await openDatabase(url);
  await migrateToLatest(handle);
  const world: ReliabilityWorld = await seedWorld(
    { ...handle, url },
    { people: 300, items: 20, surveys: 3 },
  );
  await handle.close();
  const server = await startChildServe({ PAVED_DATABASE_URL: url, PAVED_SECRET: CHILD_SECRET });
  const pid = server.process.pid!;
  process.stderr.write(`Load on ${server.url} (pid ${pid}) for ${minutes} minute(s) …\n`);

  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const samples: Sample[] = [];
  const rss: Array<{ t: number; mb: number }> = [];
  const record = async (kind: string, run: () => Promise<Response>, ok: (s: number) => boolean) => {
    const t = Date.now();
    let status: number;
    try {
      const res = await run();
      await res.arrayBuffer();
      status = res.status;
    } catch {
      status = 0;
    }
    samples.push({ kind, t: t - started, ms: Date.now() - t, ok: ok(status), status });
  };
  const auth = (token: string, json?: unknown) => ({
    headers: {
      Authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  /** Runs `step` every `everyMs` until the deadline (a slow step delays the next). */
  const paced = async (everyMs: number, step: (r: Random) => Promise<void>, label: string) => {
    const r = createRandom(seed, `soak/${label}`);
    while (Date.now() < deadline) {
      const t = Date.now();
      await step(r);
      await sleep(Math.max(0, everyMs - (Date.now() - t)));
    }
  };
  const pairs = world.surveyIds.flatMap((s) => world.people.map((p) => ({ s, p })));
  const answers = createRandom(seed, 'soak/answers').shuffle(pairs);
  let batch = 0;

  const sampler = setInterval(() => {
    const mb = rssOf(pid);
    if (mb !== null) rss.push({ t: Date.now() - started, mb });
  }, 5_000);
  const workers = [
    // Keyed events: 100 a batch, under the ingest limit of 600 requests a minute.
    paced(
      150,
      async (r) => {
        const n = batch++;
        const events = Array.from({ length: 100 }, (_, i) =>
          keyedEvent(r, `soak-${n}-${i}`, world),
        );
        await record(
          'ingest',
          () =>
            fetch(`${server.url}/api/v1/events`, {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${world.ingest.token}`,
                'Content-Type': 'application/x-ndjson',
              },
              body: events.map((e) => JSON.stringify(e)).join('\n'),
            }),
          (s) => s === 200,
        );
      },
      'ingest',
    ),
    // Page views by signed-in people.
    ...[0, 1, 2].map((w) =>
      paced(
        100,
        async (r) => {
          const path = r.pick([...PAGES, `/feedback/${r.pick(world.items)}`]);
          await record(
            'page',
            () =>
              fetch(`${server.url}${path}`, { headers: { Cookie: r.pick(world.people).cookie } }),
            (s) => s === 200,
          );
        },
        `pages/${w}`,
      ),
    ),
    // Votes and unvotes, spread over everyone (each under the write limit).
    ...[0, 1].map((w) =>
      paced(
        100,
        async (r) => {
          const put = r.chance(0.6);
          const person = r.pick(world.people);
          await record(
            'vote',
            () =>
              fetch(`${server.url}/api/v1/feedback/${r.pick(world.items)}/vote`, {
                method: put ? 'PUT' : 'DELETE',
                ...auth(person.token),
              }),
            (s) => s === 200,
          );
        },
        `votes/${w}`,
      ),
    ),
    // Survey answers: each person once per survey, while any is left.
    paced(
      400,
      async (r) => {
        const next = answers.pop();
        if (!next) return;
        await record(
          'answer',
          () =>
            fetch(`${server.url}/api/v1/surveys/${next.s}/responses`, {
              method: 'POST',
              ...auth(next.p.token, {
                answers: { nps: r.int(0, 10), comment: `soak ${r.int(1, 1e9)}` },
              }),
            }),
          (s) => s === 201,
        );
      },
      'answers',
    ),
    // The heavier reads: the matrix, the report and the feedback list.
    paced(
      2_000,
      async (r) => {
        const path = r.pick([
          '/api/v1/matrix',
          '/api/v1/report?period=2026-Q3',
          '/api/v1/feedback?limit=20',
        ]);
        await record(
          'api read',
          () => fetch(`${server.url}${path}`, auth(world.platform.token)),
          (s) => s === 200,
        );
      },
      'reads',
    ),
  ];
  const progress = setInterval(() => {
    const done = (Date.now() - started) / 60_000;
    process.stderr.write(
      `${done.toFixed(1)} min: ${samples.length} requests, ${samples.filter((s) => !s.ok).length} failed, RSS ${rss.at(-1)?.mb.toFixed(0) ?? '?'} MB\n`,
    );
  }, 60_000);
  try {
    await Promise.all(workers);
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const { text, passed } = soakReport({ minutes, samples, rss, answersLeft: answers.length });
  mkdirSync(dirname(values.report!), { recursive: true });
  writeFileSync(values.report!, text);
  process.stdout.write(text);
  process.stderr.write(`Report written to ${values.report}\n`);
  return passed ? 0 : 1;
}

process.exitCode = await main();
