// The demo runner: parts, each an area's share of the demo, written in one transaction.

import { randomBytes } from 'node:crypto';
import type { Capability } from '../capabilities/model.ts';
import { deleteAllData, nowIso } from '../core/db/helpers.ts';
import type { Db, DbHandle, Engine } from '../core/db/index.ts';
import { ServerSecret } from '../core/secret.ts';
import { setSetting } from '../core/settings.ts';
import type { Person, Service, Team } from '../org/model.ts';
import { accountsPart } from './accounts.ts';
import { betasPart } from './betas.ts';
import { capabilitiesPart } from './capabilities.ts';
import { feedbackPart } from './feedback.ts';
import { type DemoSize, demoMarker } from './model.ts';
import { orgPart } from './org.ts';
import { createRandom, type Random } from './random.ts';
import { researchPart } from './research.ts';
import { signalsPart } from './signals.ts';
import { surveysPart } from './surveys.ts';

export { EMAIL_DOMAIN, generateOrg, ORG_ROOT_REF, orgPart, PLATFORM_TEAM_REF } from './org.ts';

/** The organisation as the org part stored it, with ids, for the parts that follow. */
export interface DemoOrg {
  teams: Team[];
  people: Person[];
  services: Service[];
}

/**
 * What parts have produced so far. A later area adds an optional field for
 * what it makes (`capabilities?: Capability[]`), sets it in its part, and
 * parts after it read it.
 */
export interface DemoProduced {
  org: DemoOrg;
  /** The capability catalog, from the capabilities part. */
  capabilities?: Capability[];
}

/** What a demo part gets: the transaction, its own random stream, and what came before. */
export interface DemoContext {
  /** The transaction the whole demo is written in; pass it to the stores. */
  db: Db;
  engine: Engine;
  /** This part's own stream, derived from the seed and the part's name. */
  rng: Random;
  size: DemoSize;
  /** Multiplies the events (deploys and what follows them); 1 unless asked. */
  scale: number;
  seed: number;
  /** The day the demo is generated as of (YYYY-MM-DD, UTC); history ends here. */
  today: string;
  produced: DemoProduced;
  /** Reports a step on stderr (large demos only). */
  progress: (message: string) => void;
  /** The server secret, for the keyed hashes of open surveys and pulse throttles. */
  secret: ServerSecret;
}

/**
 * One area's share of the demo. Parts run in order inside one transaction;
 * each gets a random stream of its own, so adding a part never changes the
 * data of the parts before it.
 */
export interface DemoPart {
  name: string;
  run(ctx: DemoContext): Promise<void>;
}

/** Every part of the demo, in the order they run; an area appends its part here. */
export const demoParts: DemoPart[] = [
  orgPart,
  accountsPart,
  capabilitiesPart,
  signalsPart,
  surveysPart,
  feedbackPart,
  betasPart,
  researchPart,
];

export interface DemoOptions {
  size: DemoSize;
  /** 0.1 to 10: how many events (deploys and what follows them) as a multiple of the size's own. */
  scale?: number;
  seed: number;
  /** YYYY-MM-DD (UTC). */
  today: string;
  /** Delete every row first (accounts and the audit log too), in the same transaction. */
  reset?: boolean;
  progress?: (message: string) => void;
  /**
   * The server secret the app will run with, so that the open survey's
   * invitations match it; a throwaway one when not given.
   */
  secret?: ServerSecret;
}

export interface DemoSummary {
  size: DemoSize;
  seed: number;
  teams: number;
  people: number;
  services: number;
}

/**
 * Writes the demo into the database in one transaction, part by part, and
 * marks the database as a demo. It adds to what is there (records are
 * upserted by ref); clearing first is the caller's choice.
 * @example await runDemo(handle, { size: 'small', seed: 42, today: '2026-11-01' })
 */
export async function runDemo(
  handle: DbHandle,
  opts: DemoOptions,
  parts: readonly DemoPart[] = demoParts,
): Promise<DemoSummary> {
  return handle.db.transaction().execute(async (trx) => {
    if (opts.reset) await deleteAllData(trx, handle.engine);
    const ctx: Omit<DemoContext, 'rng'> = {
      db: trx,
      engine: handle.engine,
      size: opts.size,
      scale: opts.scale ?? 1,
      seed: opts.seed,
      today: opts.today,
      produced: { org: { teams: [], people: [], services: [] } },
      progress: opts.progress ?? (() => {}),
      secret: opts.secret ?? ServerSecret.fromString(randomBytes(32).toString('hex')),
    };
    for (const part of parts) {
      await part.run({ ...ctx, rng: createRandom(opts.seed, part.name) });
    }
    await setSetting(trx, demoMarker, { seed: opts.seed, size: opts.size, createdAt: nowIso() });
    const { org } = ctx.produced;
    return {
      size: opts.size,
      seed: opts.seed,
      teams: org.teams.length,
      people: org.people.length,
      services: org.services.length,
    };
  });
}
