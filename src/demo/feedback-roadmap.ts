// The roadmap of the demo, written through the roadmap's own services: what
// developers asked for beside business priorities, a mandate and platform
// health; shipped items with their "you said, we did" entries; a proposal
// decided after its comment window and one still open for comment.

import type { Db } from '../core/db/index.ts';
import type { Actor } from '../core/policy.ts';
import { DAY_MS, type FeedbackStatus } from '../feedback/model.ts';
import { actorFor, getUserById } from '../identity/store.ts';
import { changelogPath, excerpt, recordChangelogEntry } from '../roadmap/changelog.ts';
import type { Driver, Horizon, Stance } from '../roadmap/model.ts';
import { type Ctx, commentOn, createItem } from '../roadmap/service.ts';
import { decideProposal, moveStatus, shipItem } from '../roadmap/service-status.ts';
import type { DemoPeople, ItemIds } from './feedback.ts';
import type { FeedbackPlan, PlannedItem } from './feedback-plan.ts';
import { ANSWERS } from './feedback-texts.ts';
import type { DemoContext } from './generator.ts';

/** A changelog entry as the developer's inbox needs it. */
export interface DemoEntry {
  at: number;
  title: string;
  summary: string;
  link: string;
  feedbackIds: string[];
}

export interface DemoRoadmap {
  entries: DemoEntry[];
}

/**
 * The demo's transaction as a database whose nested transactions run inline:
 * Kysely has none, and the whole demo commits or rolls back as one anyway.
 */
function inlineTransactions(trx: Db): Db {
  const inline: Db = new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') {
        return () => ({ execute: <T>(fn: (db: Db) => Promise<T>) => fn(inline) });
      }
      const value = Reflect.get(target, prop, target);
      // Methods keep the transaction as `this`; `fn` is a callable module whose
      // helpers (countAll, …) live on it, so it is passed as it is.
      return typeof value === 'function' && prop !== 'fn' ? value.bind(target) : value;
    },
  });
  return inline;
}

async function ctxFor(db: Db, userId: string): Promise<Ctx | null> {
  const user = await getUserById(db, userId);
  if (!user) return null;
  const actor = await actorFor(db, user, 'session');
  return actor === 'deactivated' ? null : { actor: actor as Actor, ip: null };
}

const changeAt = (item: PlannedItem, to: FeedbackStatus) =>
  item.changes.find((c) => c.to === to)?.at ?? null;

const fill = (text: string, cap: string | null) => text.replaceAll('{cap}', cap ?? 'the platform');

/** Items in a final status, most voted first, each capability once. */
function topBy(plan: FeedbackPlan, statuses: FeedbackStatus[], count: number, taken: Set<number>) {
  const seen = new Set<string | null>();
  const out: PlannedItem[] = [];
  const candidates = plan.items
    .filter(
      (i) =>
        (i.kind === 'problem' || i.kind === 'idea') &&
        i.text >= 0 &&
        i.capabilityId !== null &&
        statuses.includes(i.changes.at(-1)?.to ?? 'new') &&
        !taken.has(i.index),
    )
    .sort((a, b) => b.votes.size - a.votes.size || a.index - b.index);
  for (const item of candidates) {
    if (out.length >= count) break;
    if (seen.has(item.capabilityId)) continue;
    seen.add(item.capabilityId);
    out.push(item);
    taken.add(item.index);
  }
  return out;
}

/** Other items about the same capability in the same status, to link beside the anchor. */
function companions(plan: FeedbackPlan, anchor: PlannedItem, taken: Set<number>, max: number) {
  const status = anchor.changes.at(-1)?.to;
  const out = plan.items
    .filter(
      (i) =>
        !taken.has(i.index) &&
        i.capabilityId === anchor.capabilityId &&
        i.changes.at(-1)?.to === status,
    )
    .slice(0, max);
  for (const i of out) taken.add(i.index);
  return out;
}

const answerOf = (item: PlannedItem) =>
  ANSWERS[item.kind as 'problem' | 'idea'][item.text] ?? ['Answer: {cap}', 'We fixed it.'];

const COMMENTS: [Stance, string][] = [
  ['support', 'Yes please: it costs our team a day every release.'],
  ['support', ''],
  ['concern', 'We still have two services on it; six months is tight for us.'],
  ['comment', 'Will there be a migration script for the common cases?'],
  ['support', 'The new pipeline has been fine for us since the beta.'],
  ['concern', 'Our mobile builds need macOS runners; please keep those in mind.'],
  ['support', ''],
  ['comment', 'Can we keep read access to the old build logs for audits?'],
];

/** Writes the roadmap, its proposals and the changelog; returns the entries for the inbox. */
export async function writeRoadmap(
  ctx: DemoContext,
  plan: FeedbackPlan,
  ids: ItemIds,
  people: DemoPeople,
): Promise<DemoRoadmap> {
  const entries: DemoEntry[] = [];
  if (!people.platform || !people.leader) return { entries };
  const db = inlineTransactions(ctx.db);
  const platform = await ctxFor(db, people.platform.id);
  const leader = await ctxFor(db, people.leader.id);
  if (!platform || !leader) return { entries };
  const taken = new Set<number>();
  const idsOf = (items: PlannedItem[]) => items.map((i) => ids[i.index]!);
  const day = (daysAgo: number) => new Date(plan.end - daysAgo * DAY_MS + 10 * 3_600_000);
  const slugOf = (item: PlannedItem) =>
    item.capabilityId
      ? ((ctx.produced.capabilities ?? []).find((c) => c.id === item.capabilityId)?.slug ?? null)
      : null;
  const record = (entry: {
    id: string;
    title: string;
    body: string;
    publishedAt: string;
    feedbackIds: string[];
  }) =>
    entries.push({
      at: Date.parse(entry.publishedAt),
      title: entry.title,
      summary: excerpt(entry.body, 400),
      link: changelogPath(entry.id),
      feedbackIds: entry.feedbackIds,
    });

  // Developer requests that shipped: each from its planning to its release.
  const shippedCount = ctx.size === 'small' ? 4 : 8;
  for (const anchor of topBy(plan, ['shipped'], shippedCount, taken)) {
    const planned = changeAt(anchor, 'planned');
    const shipped = changeAt(anchor, 'shipped');
    if (planned === null || shipped === null) continue;
    const linked = [anchor, ...companions(plan, anchor, taken, 2)];
    const [title, weDid] = answerOf(anchor);
    const item = await createItem(db, platform, {
      title: fill(title, anchor.capabilityName),
      description: `Developers asked for this on the feedback board: ${linked.length} ${linked.length === 1 ? 'item' : 'items'}, ${linked.reduce((n, i) => n + i.votes.size, 0)} votes.`,
      horizon: 'now',
      driver: 'developer-request',
      rationale: `The most voted ${anchor.kind} about ${anchor.capabilityName ?? 'the platform'}; it costs teams time every week.`,
      category: 'developer-experience',
      capability: slugOf(anchor),
      feedbackIds: idsOf(linked),
      status: 'planned',
      now: new Date(planned),
    });
    const { entry } = await shipItem(db, platform, item.id, {
      body: `**You said:** “${anchor.title}”.\n\n**We did:** ${fill(weDid, anchor.capabilityName)}`,
      now: new Date(Math.max(shipped, planned + DAY_MS)),
    });
    record(entry);
  }

  // Developer requests on the way: now (in progress), next and later (planned).
  const open: [FeedbackStatus[], Horizon, number][] = [
    [['in-progress'], 'now', 2],
    [['planned'], 'next', 2],
    [['acknowledged'], 'later', 1],
  ];
  for (const [statuses, horizon, count] of open) {
    for (const anchor of topBy(plan, statuses, count, taken)) {
      const linked = [anchor, ...companions(plan, anchor, taken, 2)];
      const since = changeAt(anchor, 'planned') ?? changeAt(anchor, 'acknowledged') ?? plan.end;
      const item = await createItem(db, platform, {
        title: fill(answerOf(anchor)[0], anchor.capabilityName),
        description: `From the feedback board: ${linked.map((i) => `“${i.title}”`).join(', ')}.`,
        horizon,
        driver: 'developer-request',
        rationale: `${linked.reduce((n, i) => n + i.votes.size, 0)} developers voted for this, more than for anything else about ${anchor.capabilityName ?? 'the platform'}.`,
        category: 'developer-experience',
        capability: slugOf(anchor),
        feedbackIds: idsOf(linked),
        status: 'planned',
        now: new Date(Math.min(since, plan.end - DAY_MS)),
      });
      const started = changeAt(anchor, 'in-progress');
      if (horizon === 'now' && started !== null) {
        await moveStatus(db, platform, item.id, {
          to: 'in-progress',
          note: 'Work has started; a beta for volunteer teams comes first.',
          now: new Date(Math.max(started, Date.parse(item.createdAt) + DAY_MS)),
        });
      }
    }
  }

  // Business priorities, a mandate and platform health, decided by their deciders.
  const decided: {
    title: string;
    driver: Driver;
    horizon: Horizon;
    category: string;
    rationale: string;
    by: Ctx;
    daysAgo: number;
    capability?: string;
    progress?: number;
  }[] = [
    {
      title: 'Move every service to the EU region',
      driver: 'business-priority',
      horizon: 'now',
      category: 'leadership',
      rationale:
        'Our largest customers need their data kept in the EU by next year; the contracts depend on it.',
      by: leader,
      daysAgo: 120,
      progress: 40,
    },
    {
      title: 'Cut idle cloud spend',
      driver: 'business-priority',
      horizon: 'next',
      category: 'cost',
      rationale:
        'Idle preview environments and oversized databases are a fifth of the cloud bill. Teams will see what they spend before anything is switched off.',
      by: leader,
      daysAgo: 30,
    },
    {
      title: 'Every service reads its secrets from the secrets manager',
      driver: 'mandate',
      horizon: 'now',
      category: 'security',
      rationale:
        'The SOC 2 audit needs every secret read logged in one place. We migrate the secrets for you.',
      by: leader,
      daysAgo: 75,
      capability: 'secrets-manager',
    },
    {
      title: 'Upgrade the Kubernetes clusters to a supported version',
      driver: 'platform-health',
      horizon: 'next',
      category: 'reliability',
      rationale:
        'Our version loses security fixes in four months. No change is needed in your services.',
      by: platform,
      daysAgo: 20,
    },
  ];
  const slugs = new Set((ctx.produced.capabilities ?? []).map((c) => c.slug));
  /**
   * An item the platform team plans itself when the category is its own to
   * decide; otherwise proposed for comment and decided by its decider (a
   * leader) once the window has closed.
   */
  const planned = async (d: (typeof decided)[number] & { description?: string }) => {
    const input = {
      title: d.title,
      description: d.description ?? d.rationale,
      horizon: d.horizon,
      driver: d.driver,
      rationale: d.rationale,
      category: d.category,
      capability: d.capability && slugs.has(d.capability) ? d.capability : null,
      feedbackIds: [],
    };
    if (d.by === platform) {
      return createItem(db, platform, { ...input, status: 'planned', now: day(d.daysAgo) });
    }
    const proposed = await createItem(db, platform, {
      ...input,
      status: 'proposed',
      commentDays: 14,
      now: day(d.daysAgo + 15),
    });
    return decideProposal(db, d.by, proposed.id, {
      outcome: 'planned',
      rationale: d.rationale,
      now: day(d.daysAgo),
    });
  };
  for (const d of decided) {
    const item = await planned(d);
    if (d.progress !== undefined) {
      await moveStatus(db, platform, item.id, {
        to: 'in-progress',
        note: 'The first twenty services have moved.',
        now: day(d.progress),
      });
    }
  }

  // A business priority that shipped as a breaking change, with its notice period.
  const sso = await planned({
    title: 'Single sign-on for every internal tool',
    description: 'One account for every internal tool; the shared logins go.',
    horizon: 'now',
    driver: 'business-priority',
    rationale: 'Shared logins failed the last security review; single sign-on closes the finding.',
    category: 'security',
    by: leader,
    daysAgo: 200,
  });
  const ssoShipped = day(20);
  const { entry: ssoEntry } = await shipItem(db, platform, sso.id, {
    body: 'Every internal tool now signs in through single sign-on. The shared logins stop working on the day below; move your scripts to personal API tokens before then.',
    breaking: true,
    effectiveOn: new Date(ssoShipped.getTime() + 35 * DAY_MS).toISOString().slice(0, 10),
    now: ssoShipped,
  });
  record(ssoEntry);

  // Shipped feedback answered in the changelog without a roadmap item.
  for (const item of topBy(plan, ['shipped'], 3, taken)) {
    const shipped = changeAt(item, 'shipped')!;
    const { entry } = await recordChangelogEntry(db, {
      title: fill(answerOf(item)[0], item.capabilityName),
      body: `**You said:** “${item.title}”.\n\n**We did:** ${fill(answerOf(item)[1], item.capabilityName)}`,
      feedbackId: ids[item.index]!,
      capabilityId: item.capabilityId,
      author: { userId: platform.actor.userId, name: platform.actor.name },
      notify: false,
      now: new Date(shipped + 3_600_000),
    });
    record(entry);
  }

  const commenters = people.accounts
    .map((a, i) => ({ a, i }))
    .filter(({ i }) => i !== people.developer)
    .slice(0, 24);
  const comment = async (itemId: string, opened: number, n: number) => {
    for (let k = 0; k < n && k < commenters.length; k++) {
      const who = commenters[(k * 5 + opened) % commenters.length]!;
      const by = await ctxFor(db, who.a.userId);
      if (!by) continue;
      const [stance, body] = COMMENTS[k % COMMENTS.length]!;
      await commentOn(db, by, itemId, {
        stance,
        body,
        now: new Date(opened + (k + 1) * 0.8 * DAY_MS),
      });
    }
  };

  // A proposal decided once its window closed: decided against, with the reasons.
  const vendorOpened = day(100).getTime();
  const vendor = await createItem(db, platform, {
    title: 'Replace the deploy pipeline with the vendor’s hosted product',
    description: 'Stop running our own pipeline and buy the hosted one.',
    horizon: 'next',
    driver: 'business-priority',
    rationale: 'Running the pipeline costs two engineers; the hosted product might cost less.',
    category: 'cost',
    capability: slugs.has('deploy-pipeline') ? 'deploy-pipeline' : null,
    feedbackIds: [],
    status: 'proposed',
    commentDays: 14,
    now: new Date(vendorOpened),
  });
  await comment(vendor.id, vendorOpened, 6);
  await decideProposal(db, leader, vendor.id, {
    outcome: 'declined',
    rationale:
      'The comments showed the hosted product lacks the approvals three teams rely on, and the saving is smaller than we thought. We keep our pipeline and will look again next year.',
    now: day(82),
  });

  // The proposal open for comment now.
  const farm = plan.items
    .filter((i) => i.capabilityName === 'Legacy build farm' && i.changes.at(-1)?.to !== 'duplicate')
    .sort((a, b) => b.votes.size - a.votes.size)
    .slice(0, 3);
  const openedAt = day(5).getTime();
  const proposal = await createItem(db, platform, {
    title: 'Retire the legacy build farm by June',
    description:
      'Move the last builds to the CI runners and switch the legacy build farm off at the end of June. We migrate the common set-ups for you and keep the build logs readable for two years.',
    horizon: 'next',
    driver: 'platform-health',
    rationale:
      'The build farm runs on hardware past its support date, and keeping it alive costs us a day a week that could go to the CI runners you asked us to speed up.',
    category: 'developer-experience',
    capability: slugs.has('legacy-build-farm') ? 'legacy-build-farm' : null,
    feedbackIds: idsOf(farm),
    status: 'proposed',
    commentDays: 14,
    now: new Date(openedAt),
  });
  await comment(proposal.id, openedAt, 5);
  return { entries };
}
