// A small seeded demo organisation with callers of every role, real values
// for path parameters and fields, and the app over it: what the fuzz and the
// abuse tests run against.

import type { Hono } from 'hono';
import { sql } from 'kysely';
import { loadConfig } from '../../src/core/config.ts';
import type { Engine } from '../../src/core/db/index.ts';
import { sessionCookieName } from '../../src/core/http/auth.ts';
import type { AppEnv } from '../../src/core/http/env.ts';
import type { RoleName } from '../../src/core/policy.ts';
import { getSetting } from '../../src/core/settings.ts';
import { runDemo } from '../../src/demo/generator.ts';
import { demoAccounts } from '../../src/demo/model.ts';
import { createSession, createToken, getUserByEmail } from '../../src/identity/store.ts';
import { insertIngestToken, insertSource } from '../../src/signals/store-sources.ts';
import { testApp, testSecret } from '../app.ts';
import { freshDatabase, type TestDb } from '../engines.ts';
import { memoryLogger } from '../security/support.ts';
import type { CallerName, PathHints } from './fuzz-api.ts';
import type { Hints } from './fuzz-schema.ts';

export const GITHUB_SECRET = 'fuzz-github-webhook-secret-0123';
const ROLES: RoleName[] = ['developer', 'platform', 'leader', 'admin'];

export interface World {
  db: TestDb;
  app: Hono<AppEnv>;
  /** The demo account of each role (linked to a person of the demo organisation). */
  users: Record<RoleName, { id: string; email: string }>;
  /** Headers that authenticate a caller, fresh credentials for writes to pages. */
  credentials(
    caller: CallerName,
    opts: { api: boolean; write: boolean },
  ): Promise<Record<string, string>>;
  /** New tokens and sessions for every caller, and no rate-limit counts: after a fuzz write spoiled them. */
  refresh(): Promise<void>;
  fieldHints: Hints;
  pathHints: PathHints;
  /** Reads the real values again, after requests have added rows. */
  refreshHints(): Promise<void>;
  /** The errors the app logged (unhandled errors behind a 500), oldest first. */
  loggedErrors: () => Array<Record<string, unknown>>;
}

const cookieName = sessionCookieName(loadConfig({}).baseUrl).name;

async function column(db: TestDb, query: string): Promise<string[]> {
  const { rows } = await sql<{ v: unknown }>`${sql.raw(query)}`.execute(db.db);
  return rows.map((r) => String(r.v));
}

/** Builds the world on a fresh database of one engine (the small demo, seed 42). */
export async function buildWorld(engine: Engine, env: Record<string, string> = {}): Promise<World> {
  const db = await freshDatabase(engine);
  await runDemo(db, { size: 'small', seed: 42, today: '2026-11-01', secret: testSecret });
  const errors = memoryLogger('error');
  const app = testApp(db, { PAVED_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, ...env }, errors.log);
  const accounts = await getSetting(db.db, demoAccounts);
  const users = {} as World['users'];
  for (const role of ROLES) {
    const account = accounts.find((a) => a.role === role);
    const user = account && (await getUserByEmail(db.db, account.email));
    if (!user) throw new Error(`the demo has no ${role} account`);
    users[role] = { id: user.id, email: user.email };
  }
  const source = await insertSource(db.db, { name: 'fuzz-ci', kind: 'token' });
  const callerIds = new Set(Object.values(users).map((u) => u.id));

  const tokens = new Map<CallerName, string>();
  const sessions = new Map<CallerName, { cookie: string; csrf: string }>();
  const refresh = async () => {
    await db.db.deleteFrom('rate_limits').execute();
    for (const role of ROLES) {
      const { value } = await createToken(db.db, {
        userId: users[role].id,
        name: 'fuzz',
        expiresAt: null,
      });
      tokens.set(role, value);
      const s = await createSession(db.db, users[role].id, { maxDays: 1 });
      sessions.set(role, { cookie: `${cookieName}=${s.cookieValue}`, csrf: s.csrfToken });
    }
    tokens.set('ingest', (await insertIngestToken(db.db, source.id, null)).value);
  };
  await refresh();

  // Ordered by what the seeded demo decides (never by random ids), so a run repeats.
  const load = async () => {
    const values = {
      teamSlugs: await column(db, 'select slug as v from teams order by slug'),
      teamIds: await column(db, 'select id as v from teams order by slug limit 20'),
      capabilitySlugs: await column(db, 'select slug as v from capabilities order by slug'),
      feedbackIds: await column(
        db,
        'select id as v from feedback_items order by created_at, title limit 40',
      ),
      roadmapIds: await column(
        db,
        'select id as v from roadmap_items order by created_at, title limit 40',
      ),
      changelogIds: await column(
        db,
        'select id as v from changelog_entries order by published_at, title limit 20',
      ),
      surveyIds: await column(db, 'select id as v from surveys order by period, title, created_at'),
      exceptionIds: await column(
        db,
        'select id as v from exceptions order by created_at, justification limit 20',
      ),
      userIds: (await column(db, 'select id as v from users order by email')).filter(
        (id) => !callerIds.has(id),
      ),
      emails: await column(db, 'select email as v from people order by email limit 40'),
      categories: await column(db, 'select key as v from decision_categories order by key'),
      sources: await column(db, 'select name as v from signal_sources order by name'),
      ingestTokenIds: await column(
        db,
        'select id as v from signal_ingest_tokens order by created_at, id',
      ),
      repositories: await column(
        db,
        'select repository as v from signal_repository_teams order by repository',
      ),
      webhookIds: await column(db, 'select id as v from webhooks order by created_at, name'),
      reasons: await column(db, 'select key as v from adoption_reasons order by position'),
    };
    const byField: Record<string, string[]> = {
      team: values.teamSlugs,
      teams: values.teamSlugs,
      ownerTeam: values.teamSlugs,
      eligibleTeams: values.teamSlugs,
      capability: values.capabilitySlugs,
      capabilities: values.capabilitySlugs,
      email: values.emails,
      into: values.feedbackIds,
      duplicateOf: values.feedbackIds,
      feedbackIds: values.feedbackIds,
      ids: values.feedbackIds,
      feedback: values.feedbackIds,
      survey: values.surveyIds,
      roadmapItem: values.roadmapIds,
      category: values.categories,
      key: values.categories,
      role: ROLES,
      repository: values.repositories,
      reason: values.reasons,
      // Addresses that pass the checks (webhooks may go to 127.0.0.1 once it is allowed).
      docsUrl: ['https://docs.example.com/guide'],
      url: ['http://127.0.0.1:9/hook'],
    };
    const byParam: Record<string, string[]> = {
      'teams/slug': values.teamSlugs,
      'capabilities/slug': values.capabilitySlugs,
      'pulse/slug': values.capabilitySlugs,
      'value/capability': values.capabilitySlugs,
      'feedback/id': values.feedbackIds,
      'roadmap/id': values.roadmapIds,
      'changelog/id': values.changelogIds,
      'surveys/id': values.surveyIds,
      'exceptions/id': values.exceptionIds,
      'users/id': values.userIds,
      'webhooks/id': values.webhookIds,
      'sources/name': values.sources,
      'tokens/id': values.ingestTokenIds,
      'decision-rights/key': values.categories,
      'repositories/owner': values.repositories.map((r) => r.split('/')[0]!),
      ':owner/repo': values.repositories.map((r) => r.split('/')[1]!),
    };
    return { byField, byParam };
  };
  let hints = await load();

  return {
    db,
    app,
    users,
    refresh,
    loggedErrors: errors.records,
    fieldHints: (field) => hints.byField[field],
    pathHints: (name, before) => hints.byParam[`${before}/${name}`] ?? [],
    async refreshHints() {
      hints = await load();
    },
    async credentials(caller, { api, write }): Promise<Record<string, string>> {
      if (caller === 'anonymous') return {};
      if (api) return { Authorization: `Bearer ${tokens.get(caller)}` };
      if (caller === 'ingest') return {};
      const userId = users[caller].id;
      const session = write
        ? await createSession(db.db, userId, { maxDays: 1 }).then((s) => ({
            cookie: `${cookieName}=${s.cookieValue}`,
            csrf: s.csrfToken,
          }))
        : sessions.get(caller)!;
      return write
        ? { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, Origin: 'http://localhost' }
        : { Cookie: session.cookie };
    },
  };
}
