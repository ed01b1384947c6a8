// Backup under load: a child `paved serve` on SQLite takes keyed events
// without pause while `paved backup <file>` runs in another process; each
// backup is restored with `paved restore` into a fresh location. Every event
// acknowledged before the backup started is in the copy, the copy's
// aggregates equal a recount of its raw rows (one consistent snapshot, not a
// torn one), SQLite's integrity check passes, and paved serves from it.
// SQLite only: PostgreSQL is backed up with pg_dump (README, Backups), whose
// snapshot consistency is PostgreSQL's own.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/index.ts';
import { createRandom, type Random } from '../../src/demo/random.ts';
import { ingestEvents } from '../../src/signals/service.ts';
import { freshDatabase } from '../engines.ts';
import { type ChildServe, startChildServe } from './child.ts';
import {
  aggregateMismatches,
  CHILD_SECRET,
  duplicateEvents,
  keyedEvent,
  seedWorld,
  send,
  sleep,
  sqliteIntegrity,
  untilAnswered,
} from './crash-support.ts';
import { SEED, sized } from './support.ts';

const BACKUPS = sized(2, 8);
/** Events in the database before the load starts, so a backup has something to copy. */
const PRELOAD = sized(5_000, 200_000);
const BATCH = 100;

/** Runs `paved <args>` in its own process and waits for it. */
function paved(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/paved.js', ...args], {
      env: { ...process.env, PAVED_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

describe('backup under load [sqlite]', () => {
  it(
    `${BACKUPS} backups taken while a server ingests hold every event acknowledged before each began, restore, and pass the integrity check`,
    async () => {
      const handle = await freshDatabase('sqlite');
      const world = await seedWorld(handle, { people: 10, items: 1 });
      const rng = createRandom(SEED, 'backup-load');
      for (let i = 0; i < PRELOAD; i += 5_000) {
        const events = Array.from({ length: Math.min(5_000, PRELOAD - i) }, (_, j) =>
          keyedEvent(rng, `pre-${i + j}`, world),
        );
        await ingestEvents(handle.db, world.ingest.sourceId, events, { via: 'test' });
      }
      const dir = mkdtempSync(join(tmpdir(), 'paved-backup-load-'));
      const env = { PAVED_DATABASE_URL: handle.url, PAVED_SECRET: CHILD_SECRET };
      const acked = new Set<string>(Array.from({ length: PRELOAD }, (_, i) => `pre-${i}`));
      let stopping = false;
      let batches = 0;
      const failures: string[] = [];
      let server: ChildServe | undefined;
      const results: string[] = [];

      async function ingest(r: Random) {
        for (let n = 0; !stopping; n++) {
          const events = Array.from({ length: BATCH }, (_, i) =>
            keyedEvent(r, `load-${n}-${i}`, world),
          );
          const reply = await untilAnswered(() => server?.url ?? null, '/api/v1/events', {
            method: 'POST',
            token: world.ingest.token,
            ndjson: events.map((e) => JSON.stringify(e)).join('\n'),
          });
          const body = reply.body as { accepted: number; duplicates: number };
          if (reply.status !== 200 || body.accepted + body.duplicates !== BATCH) {
            failures.push(`batch ${n}: ${reply.status} ${JSON.stringify(body)}`);
            return;
          }
          batches++;
          for (const e of events) acked.add(e.id);
          // Below the ingest limit of 600 requests a minute.
          await sleep(110);
        }
      }

      try {
        server = await startChildServe(env);
        const client = ingest(createRandom(SEED, 'backup-load/client'));
        for (let b = 0; b < BACKUPS; b++) {
          // Let the load run, then back up while it goes on.
          const waitFor = batches + 5;
          while (batches < waitFor && failures.length === 0) await sleep(50);
          const before = new Set(acked);
          const batchesBefore = batches;
          const file = join(dir, `backup-${b}.db`);
          const backup = await paved(['backup', file], env);
          expect(backup.code, backup.stderr).toBe(0);
          const during = batches - batchesBefore;

          const restoredUrl = `sqlite:${join(dir, `restored-${b}.db`)}`;
          const restore = await paved(['restore', file], {
            ...env,
            PAVED_DATABASE_URL: restoredUrl,
          });
          expect(restore.code, restore.stderr).toBe(0);
          const copy = await openDatabase(restoredUrl);
          try {
            const ids = new Set(
              (await copy.db.selectFrom('signal_events').select('client_id').execute()).map(
                (r) => r.client_id,
              ),
            );
            const missing = [...before].filter((id) => !ids.has(id));
            const afterwards = [...ids].filter((id) => !before.has(id)).length;
            const stray = [...ids].filter((id) => !acked.has(id) && !id.startsWith('load-'));
            const integrity = await sqliteIntegrity(copy.db);
            const aggregates = await aggregateMismatches(copy.db);
            const duplicates = await duplicateEvents(copy.db);
            results.push(
              `backup ${b + 1}: ${before.size.toLocaleString('en')} events acknowledged before it, ${missing.length} missing, ${afterwards} later ones in it; ${during} batches acknowledged while it ran (${(backup.ms / 1000).toFixed(1)} s); integrity ${integrity.join(', ')}; aggregate mismatches ${aggregates.length}`,
            );
            expect(missing).toEqual([]);
            expect(stray).toEqual([]);
            expect(duplicates).toBe(0);
            expect(integrity).toEqual(['ok']);
            expect(aggregates).toEqual([]);
          } finally {
            await copy.close();
          }
        }
        stopping = true;
        await client;
        expect(failures).toEqual([]);
        expect(batches).toBeGreaterThan(0);

        // The last copy serves, and a restore over a database that holds data asks for --force.
        const last = `sqlite:${join(dir, `restored-${BACKUPS - 1}.db`)}`;
        const restored = await startChildServe({ ...env, PAVED_DATABASE_URL: last });
        try {
          const item = await send(restored.url, `/api/v1/feedback/${world.items[0]}`, {
            method: 'GET',
            token: world.platform.token,
          });
          expect(item.lost ? item.error : item.status).toBe(200);
        } finally {
          await restored.stop();
        }
        const refused = await paved(['restore', join(dir, 'backup-0.db')], {
          ...env,
          PAVED_DATABASE_URL: last,
        });
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain('--force');
        console.info(
          [
            `backup under load [sqlite] seed ${SEED}: ${PRELOAD.toLocaleString('en')} events preloaded, ${batches} batches of ${BATCH} while backing up`,
            ...results,
          ].join('\n'),
        );
      } finally {
        stopping = true;
        await server?.stop();
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    sized(300_000, 3_600_000),
  );
});
