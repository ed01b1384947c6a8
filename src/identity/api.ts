import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { type AuditActor, type AuditRecord, listAudit, recordAudit } from '../core/audit.ts';
import { decodeCursor, encodeCursor } from '../core/db/paging.ts';
import { Conflict, NotFound, Unauthorized } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import { tooMany } from '../core/http/csrf.tsx';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { type Actor, can } from '../core/policy.ts';
import { hit, LIMITS } from '../core/ratelimit.ts';
import { getTeamById } from '../org/store.ts';
import { type ApiToken, EmailSchema, RoleSchema, tokenState, type User } from './model.ts';
import {
  createLink,
  createToken,
  createUser,
  getToken,
  getUserById,
  listTokens,
  listUsers,
  revokeToken,
  setDisabled,
  setRole,
} from './store.ts';

// ---- Schemas and presenters: only these fields ever leave the server ----

const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    team: z.string().nullable().openapi({ description: 'Slug of the team you act for' }),
    via: z.enum(['session', 'token', 'proxy']).openapi({ description: 'How you signed in' }),
  })
  .openapi('Me');

const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    disabledAt: z.string().nullable(),
    hasPassword: z.boolean().openapi({ description: 'False until a setup link is used' }),
    createdAt: z.string(),
  })
  .openapi('User');

const NewUserSchema = z
  .object({
    email: EmailSchema,
    name: z.string().trim().min(1, 'Enter a name').max(200),
    role: RoleSchema,
  })
  .openapi('NewUser');

const CreatedUserSchema = UserSchema.extend({
  setupLink: z.string().openapi({ description: 'One-time link to set a password; shown once' }),
  setupLinkExpiresAt: z.string(),
}).openapi('CreatedUser');

const UserPatchSchema = z
  .strictObject({
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, {
    message: 'Give role, disabled, or both.',
  })
  .openapi('UserPatch');

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters, to recognise it' }),
    state: z.enum(['active', 'revoked', 'expired']),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedOn: z.string().nullable().openapi({ description: 'A day (YYYY-MM-DD), never a time' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');

const NewTokenSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name that says where the token is used').max(100),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .nullable()
      .default(90)
      .openapi({ description: 'Days until it expires (1–3650), null for never; 90 if omitted' }),
  })
  .openapi('NewToken');

const CreatedTokenSchema = z
  .object({
    token: z.string().openapi({ description: 'The token value: shown this once, never again' }),
    id: z.string(),
    name: z.string(),
    expiresAt: z.string().nullable(),
  })
  .openapi('CreatedToken');

const AuditSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    actor: z.object({ id: z.string().nullable(), email: z.string().nullable() }).nullable(),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const DateOrTime = z
  .string()
  .regex(ISO_DATE_OR_TIME, 'Use a date like 2026-01-31 or a time like 2026-01-31T09:00:00Z')
  // Aborts: the query's since-before-until check must not run on a day that does not exist.
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'This is not a real date', abort: true });

const AuditQuery = PageQuery.extend({
  action: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'An action, or its start: "user." matches every user change' }),
  actor: EmailSchema.optional().openapi({ description: 'Email of who did it' }),
  since: DateOrTime.optional().openapi({ description: 'From this date or time (inclusive)' }),
  until: DateOrTime.optional().openapi({
    description: 'Up to this date (inclusive) or time (exclusive)',
  }),
}).refine((q) => !q.since || !q.until || instant(q.since) < instant(q.until, true), {
  path: ['until'],
  message: 'until must be after since',
});

const IdParam = z.object({ id: z.string().max(100) });

/** A date means its whole day: `since` from its start, `until` to its end. */
function instant(text: string, endOfDay = false): string {
  if (text.length === 10) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return new Date(endOfDay ? start + 86_400_000 : start).toISOString();
  }
  return new Date(text).toISOString();
}

export function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    disabledAt: user.disabledAt,
    hasPassword: user.hasPassword,
    createdAt: user.createdAt,
  };
}

export function presentToken(token: ApiToken, now: Date = new Date()) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    state: tokenState(token, now),
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedOn: token.lastUsedOn,
    revokedAt: token.revokedAt,
  };
}

function presentAudit(record: AuditRecord) {
  return {
    id: record.id,
    at: record.at,
    action: record.action,
    actor:
      record.actorId || record.actorEmail ? { id: record.actorId, email: record.actorEmail } : null,
    target: record.targetType ? { type: record.targetType, id: record.targetId } : null,
    ip: record.ip,
    details: record.details,
  };
}

/** The signed-in actor; the route's policy has already refused anonymous callers. */
function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return actor;
}

function auditActor(actor: Actor): AuditActor {
  return { userId: actor.userId, email: actor.email };
}

/** A new account's setup link is valid this long. */
const SETUP_LINK_HOURS = 24;

/** The identity area's JSON routes: me, users, tokens, audit log. */
export function registerIdentityApi(api: OpenAPIHono<AppEnv>, { handle, config }: Deps): void {
  const { db } = handle;

  /** At most LIMITS.tokenCreate new tokens per person, counted before the body is read. */
  const tokenCreateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { allowed, retryAfter } = await hit(db, LIMITS.tokenCreate, actorOf(c).userId);
    if (!allowed) return tooMany(c, retryAfter);
    await next();
  };

  api.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['Identity'],
      middleware: [policy('signed-in')] as const,
      summary: 'Who you are signed in as',
      responses: { 200: json(MeSchema, 'You'), ...problemResponses(401) },
    }),
    async (c) => {
      const actor = actorOf(c);
      const team = actor.teamId ? await getTeamById(db, actor.teamId) : undefined;
      return c.json(
        {
          id: actor.userId,
          email: actor.email,
          name: actor.name,
          role: actor.role,
          team: team?.slug ?? null,
          via: actor.via,
        },
        200,
      );
    },
  );

  // ---- Users (admins) ----

  api.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['Identity'],
      middleware: [policy('users.manage')] as const,
      summary: 'List accounts',
      request: { query: PageQuery },
      responses: {
        200: json(pageOf(UserSchema), 'Accounts by email'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const page = await listUsers(db, c.req.valid('query'));
      return c.json({ items: page.items.map(presentUser), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['Identity'],
      middleware: [policy('users.manage')] as const,
      summary: 'Add an account; answers a one-time link for its owner to set a password',
      request: { body: { ...json(NewUserSchema, 'The new account'), required: true } },
      responses: {
        201: json(CreatedUserSchema, 'The account and its setup link'),
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const actor = actorOf(c);
      const input = c.req.valid('json');
      const expiresAt = new Date(Date.now() + SETUP_LINK_HOURS * 3600_000).toISOString();
      const { user, link } = await db.transaction().execute(async (trx) => {
        const user = await createUser(trx, { ...input, passwordHash: null });
        const link = await createLink(trx, 'reset', user.id, SETUP_LINK_HOURS);
        const common = { actor: auditActor(actor), ip: c.get('clientIp') };
        const target = { type: 'user', id: user.id };
        await recordAudit(trx, {
          ...common,
          action: 'user.create',
          target,
          details: { role: user.role },
        });
        await recordAudit(trx, {
          ...common,
          action: 'link.create',
          target,
          details: { purpose: 'reset', hours: SETUP_LINK_HOURS },
        });
        return { user, link };
      });
      return c.json(
        {
          ...presentUser(user),
          setupLink: `${config.baseUrl}/reset/${link}`,
          setupLinkExpiresAt: expiresAt,
        },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['Identity'],
      middleware: [policy('users.manage')] as const,
      summary: 'Change an account’s role, or disable or enable it',
      request: {
        params: IdParam,
        body: { ...json(UserPatchSchema, 'What to change'), required: true },
      },
      responses: {
        200: json(UserSchema, 'The account after the change'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const actor = actorOf(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const user = await getUserById(db, id);
      if (!user) throw new NotFound(`There is no account with id ${id}.`);
      if (user.id === actor.userId) {
        // An admin who locks themselves out may leave nobody able to manage accounts.
        if (change.disabled === true) {
          throw new Conflict('You cannot disable your own account; ask another admin.');
        }
        if (change.role && !can({ ...actor, role: change.role }, 'users.manage')) {
          throw new Conflict(
            'You cannot take away your own right to manage accounts; ask another admin.',
          );
        }
      }
      const updated = await db.transaction().execute(async (trx) => {
        const common = {
          actor: auditActor(actor),
          ip: c.get('clientIp'),
          target: { type: 'user', id: user.id },
        };
        if (change.role && change.role !== user.role) {
          await setRole(trx, user.id, change.role);
          await recordAudit(trx, {
            ...common,
            action: 'user.role',
            details: { from: user.role, to: change.role },
          });
        }
        const disabled = user.disabledAt !== null;
        if (change.disabled !== undefined && change.disabled !== disabled) {
          await setDisabled(trx, user.id, change.disabled);
          await recordAudit(trx, {
            ...common,
            action: change.disabled ? 'user.disable' : 'user.enable',
          });
        }
        return getUserById(trx, user.id);
      });
      return c.json(presentUser(updated ?? user), 200);
    },
  );

  // ---- Tokens (everyone, for themselves) ----

  api.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['Identity'],
      middleware: [policy('account.manage')] as const,
      summary: 'Your API tokens, newest first (values are never shown again)',
      request: { query: PageQuery },
      responses: {
        200: json(pageOf(TokenSchema), 'Your tokens'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const actor = actorOf(c);
      const { limit, cursor } = c.req.valid('query');
      // A person has a handful of tokens: page them in memory, keyed like the store orders them.
      const all = await listTokens(db, actor.userId);
      let start = 0;
      if (cursor) {
        const [createdAt, id] = decodeCursor(cursor, 2) as [string, string];
        const after = all.findIndex(
          (t) => t.createdAt < createdAt || (t.createdAt === createdAt && t.id > id),
        );
        start = after === -1 ? all.length : after;
      }
      const items = all.slice(start, start + limit);
      const last = items[items.length - 1];
      const more = start + limit < all.length;
      return c.json(
        {
          items: items.map((t) => presentToken(t)),
          nextCursor: more && last ? encodeCursor([last.createdAt, last.id]) : null,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['Identity'],
      middleware: [policy('account.manage'), tokenCreateLimit] as const,
      summary: 'Create an API token for yourself; its value is in this answer only',
      request: { body: { ...json(NewTokenSchema, 'The new token'), required: true } },
      responses: {
        201: json(CreatedTokenSchema, 'The token, shown once'),
        ...problemResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const actor = actorOf(c);
      const input = c.req.valid('json');
      const expiresAt =
        input.expiresInDays === null
          ? null
          : new Date(Date.now() + input.expiresInDays * 86_400_000).toISOString();
      const { token, value } = await db.transaction().execute(async (trx) => {
        const created = await createToken(trx, {
          userId: actor.userId,
          name: input.name,
          expiresAt,
        });
        await recordAudit(trx, {
          actor: auditActor(actor),
          action: 'token.create',
          target: { type: 'token', id: created.token.id },
          ip: c.get('clientIp'),
          details: { name: input.name, expiresAt },
        });
        return created;
      });
      return c.json({ token: value, id: token.id, name: token.name, expiresAt }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['Identity'],
      middleware: [policy('account.manage')] as const,
      summary: 'Revoke a token (your own; admins may revoke anyone’s)',
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      const actor = actorOf(c);
      const { id } = c.req.valid('param');
      const token = await getToken(db, id);
      // Someone else's token answers as if it did not exist: ids are not confirmed to strangers.
      if (!token || !can(actor, 'account.token.revoke', { ownerId: token.userId })) {
        throw new NotFound(`There is no token with id ${id} among yours.`);
      }
      if (!token.revokedAt) {
        await db.transaction().execute(async (trx) => {
          await revokeToken(trx, token.id);
          await recordAudit(trx, {
            actor: auditActor(actor),
            action: 'token.revoke',
            target: { type: 'token', id: token.id },
            ip: c.get('clientIp'),
            details: { ownerId: token.userId, name: token.name },
          });
        });
      }
      return c.body(null, 204);
    },
  );

  // ---- Audit log (admins) ----

  api.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Identity'],
      middleware: [policy('audit.read')] as const,
      summary: 'The audit log, newest first',
      request: { query: AuditQuery },
      responses: {
        200: json(pageOf(AuditSchema), 'Audit entries'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listAudit(db, {
        limit: q.limit,
        cursor: q.cursor,
        action: q.action,
        actorEmail: q.actor,
        since: q.since ? instant(q.since) : undefined,
        until: q.until ? instant(q.until, true) : undefined,
      });
      return c.json({ items: page.items.map(presentAudit), nextCursor: page.nextCursor }, 200);
    },
  );
}
