// The figures pages' data for the browser suite: deploys, incidents and
// unplanned work in the last 90 days, onboarding milestones for this year's
// hires, and a deploy-duration outcome for the Deploy pipeline with months of
// deploys either side of its adoptions (so its event study draws).

import { getCapabilityBySlug } from '../../src/capabilities/store.ts';
import type { Db } from '../../src/core/db/index.ts';
import { setSetting } from '../../src/core/settings.ts';
import type { ResolvedEvent } from '../../src/signals/model.ts';
import { ingestResolved } from '../../src/signals/service.ts';
import { ensureSource } from '../../src/signals/store-sources.ts';
import { valueOutcomes } from '../../src/signals/value-outcomes.ts';

const DAY = 86_400_000;

export async function seedBrowserFigures(db: Db): Promise<void> {
  const source = await ensureSource(db, { name: 'browser-ci', kind: 'token', description: 'CI' });
  const teams = Object.fromEntries(
    (await db.selectFrom('teams').select(['id', 'slug']).execute()).map((t) => [t.slug, t.id]),
  ) as Record<string, string>;
  const people = Object.fromEntries(
    (await db.selectFrom('people').select(['id', 'name']).execute()).map((p) => [p.name, p.id]),
  ) as Record<string, string>;
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString();
  const events: ResolvedEvent[] = [];
  let n = 0;
  const deploy = (team: string, finishedMs: number, minutes: number, leadHours: number[]) => {
    const id = `deploy-${++n}`;
    events.push({
      type: 'deploy',
      id,
      teamId: teams[team]!,
      service: `${team}-api`,
      environment: 'production',
      started: at(finishedMs - minutes * 60_000),
      finished: at(finishedMs),
      outcome: 'success',
      commitTimes: leadHours.map((h) => at(finishedMs - h * 3_600_000)),
      capabilityId: null,
    });
    return id;
  };
  // The last 90 days: Payments deploys most days, Checkout weekly, Platform now and then.
  for (let d = 1; d <= 89; d++) {
    const dayMs = now - d * DAY;
    if (d % 7 < 5) deploy('payments', dayMs, 11, [3 + (d % 5), 20]);
    if (d % 7 === 2) deploy('checkout', dayMs, 8, [30]);
    if (d % 20 === 3) deploy('platform', dayMs, 12, [6]);
  }
  const broke = deploy('payments', now - 5 * DAY, 11, [2]);
  events.push(
    {
      type: 'incident',
      id: 'incident-1',
      teamId: teams.payments!,
      started: at(now - 5 * DAY + 3_600_000),
      resolved: at(now - 5 * DAY + 4 * 3_600_000),
      causeDeploy: { sourceId: source.id, clientId: broke },
      causeCapabilityId: null,
    },
    {
      type: 'incident',
      id: 'incident-2',
      teamId: teams.checkout!,
      started: at(now - 2 * DAY),
      resolved: null,
      causeDeploy: null,
      causeCapabilityId: null,
    },
  );
  const pipeline = await getCapabilityBySlug(db, 'deploy-pipeline');
  const vault = await getCapabilityBySlug(db, 'secrets-vault');
  for (const [i, [team, capability, cause, hours]] of (
    [
      ['payments', pipeline, 'breaking-change', 6],
      ['checkout', vault, 'forced-migration', 12.5],
      ['payments', vault, 'outage', 2],
    ] as const
  ).entries()) {
    if (!capability) continue;
    events.push({
      type: 'unplanned_work',
      id: `unplanned-${i}`,
      teamId: teams[team]!,
      capabilityId: capability.id,
      cause,
      hours,
      at: at(now - (i + 1) * DAY),
    });
  }
  // This year's hires and how far they got.
  for (const [name, days] of [
    ['Frances Allen', 19],
    ['Margaret Hamilton', 24],
    ['Katherine Johnson', 5],
    ['Ken Thompson', 3],
  ] as const) {
    const person = await db
      .selectFrom('people')
      .select('start_date')
      .where('id', '=', people[name]!)
      .executeTakeFirstOrThrow();
    const startMs = Date.parse(`${person.start_date}T00:00:00Z`);
    events.push(
      {
        type: 'milestone',
        id: `first-pr-${name}`,
        personId: people[name]!,
        milestone: 'first_pr',
        at: at(startMs + Math.ceil(days / 3) * DAY),
      },
      {
        type: 'milestone',
        id: `first-deploy-${name}`,
        personId: people[name]!,
        milestone: 'first_deploy',
        at: at(startMs + days * DAY),
      },
    );
  }
  // Deploy durations either side of the Deploy pipeline's adoptions (June and October 2025).
  for (let m = 0; m < 14; m++) {
    const monthMs = Date.UTC(2025, m, 15, 12);
    deploy('platform', monthMs, m >= 6 ? 13 : 10, [8]);
    deploy('payments', monthMs + DAY, m >= 10 ? 14 : 11, [9]);
  }
  await ingestResolved(db, source.id, events, { via: 'api' });
  if (pipeline) {
    await setSetting(db, valueOutcomes, {
      [pipeline.id]: {
        outcome: 'deploy-duration',
        chosenAt: '2025-01-06T10:00:00.000Z',
        chosenBy: 'Barbara Liskov',
      },
    });
  }
}
