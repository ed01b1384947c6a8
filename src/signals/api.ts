import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Unauthorized } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { POLICY, policy } from '../core/http/auth.ts';
import { tooMany } from '../core/http/csrf.tsx';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { problem } from '../core/http/problem.ts';
import { metricsFor } from '../core/metrics.ts';
import { authorize } from '../core/policy.ts';
import { hit, type RateLimit } from '../core/ratelimit.ts';
import { registerSourcesApi } from './api-sources.ts';
import { splitNdjson } from './lines.ts';
import {
  DeployInput,
  EVENT_TYPES,
  INGEST_TOKEN_PREFIX,
  IncidentInput,
  MAX_BYTES,
  MAX_LINES,
  MilestoneInput,
  PullRequestInput,
  type Source,
  UnplannedWorkInput,
  UsageInput,
} from './model.ts';
import { accountSource, ingestLines, type Line } from './service.ts';
import { DELIVERY_STATUSES, listDeliveries } from './store-github.ts';
import { listBatches, sourceForIngestToken } from './store-sources.ts';

const TAGS = ['Signals'];

/** Requests per source and minute; each may carry 10,000 events. */
export const INGEST_LIMIT: RateLimit = { name: 'ingest', limit: 600, windowSeconds: 60 };

const IngestResultSchema = z
  .object({
    accepted: z
      .number()
      .int()
      .openapi({ description: 'Events stored now (incident updates included)' }),
    duplicates: z
      .number()
      .int()
      .openapi({ description: 'Events whose id this source had sent before; not counted again' }),
    rejected: z.array(
      z.object({
        line: z.number().int().openapi({ description: 'Line number (array position from 1)' }),
        reason: z.string(),
      }),
    ),
  })
  .openapi('IngestResult');

const BatchSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    via: z.string(),
    receivedAt: z.string(),
    lines: z.number().int(),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    rejectedLines: z
      .array(z.object({ line: z.number().int(), reason: z.string() }))
      .openapi({ description: 'The first 100 rejected lines' }),
  })
  .openapi('IngestBatch');

const DeliverySchema = z
  .object({
    delivery: z.string().openapi({ description: 'X-GitHub-Delivery' }),
    event: z.string(),
    action: z.string().nullable(),
    repository: z.string().nullable(),
    status: z.enum(DELIVERY_STATUSES),
    reason: z.string().nullable(),
    receivedAt: z.string(),
  })
  .openapi('GithubDelivery');

/** The ingest token of a request, if it carries one (a person's token is not one). */
function ingestTokenOf(c: Context): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  return m?.[1]?.startsWith(INGEST_TOKEN_PREFIX) ? m[1] : undefined;
}

/**
 * The ingest route's policy check: an ingest token is checked by the route
 * (it names a source, not a person); anyone else needs `events.ingest`.
 */
function ingestPolicy(): MiddlewareHandler<AppEnv> {
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (ingestTokenOf(c) === undefined) authorize(c.get('actor'), 'events.ingest');
    await next();
  };
  return Object.assign(check, { [POLICY]: 'events.ingest' as const });
}

/** The source a request sends for: its ingest token's, or the platform or admin account's own. */
async function sourceOf(c: Context<AppEnv>, deps: Deps): Promise<Source> {
  const { db } = deps.handle;
  const token = ingestTokenOf(c);
  if (token !== undefined) {
    const source = await sourceForIngestToken(db, token);
    if (!source)
      throw new Unauthorized(
        'The ingest token is unknown or revoked. Ask an admin for a new one (paved source token <name>).',
      );
    return source;
  }
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Send an ingest token: Authorization: Bearer pvi_…');
  return accountSource(db, actor);
}

const tooLarge = (c: Context) =>
  problem(c, {
    title: 'Payload too large',
    status: 413,
    detail: `A request may carry at most ${MAX_LINES} events and ${MAX_BYTES / 1024 / 1024} MB; split the file (paved event send does).`,
  });

/** The events of a request: NDJSON lines, or the items of a JSON array. */
async function linesOf(c: Context): Promise<Line[] | Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await c.req.text();
  if (type === 'application/x-ndjson' || type === 'application/jsonl') return splitNdjson(text);
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!Array.isArray(body))
      return problem(c, {
        title: 'Invalid input',
        status: 400,
        detail:
          'Send a JSON array of events, or NDJSON (application/x-ndjson), one event per line.',
        errors: [{ path: '(body)', message: 'Expected a JSON array of events.' }],
      });
    return body.map((value, i) => ({ line: i + 1, value }));
  }
  return problem(c, {
    title: 'Unsupported media type',
    status: 415,
    detail: 'Send application/x-ndjson (one event per line) or application/json (an array).',
  });
}

/** POST /events and the ingestion status reads. */
export function registerSignalsApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const metrics = metricsFor(deps);

  // The body is read by the route (each line validated on its own), so the
  // schema is registered for the OpenAPI document only.
  api.openAPIRegistry.registerPath({
    method: 'post',
    path: '/events',
    tags: TAGS,
    summary: 'Send events (deploys, pull requests, incidents, unplanned work, milestones, usage)',
    description: `NDJSON (one event per line) or a JSON array; at most ${MAX_LINES} events and ${MAX_BYTES / 1024 / 1024} MB per request (413 above). Authenticate with an ingest token (it names the source) or a platform or admin API token (source account:<email>). Events are unique per source and id: resending is safe and answered as duplicates. Each line is validated on its own. Types: ${EVENT_TYPES.join(', ')}.`,
    request: {
      body: {
        required: true,
        content: {
          'application/x-ndjson': {
            schema: z.string().openapi({ description: 'One event per line' }),
          },
          'application/json': {
            schema: z.array(
              z.union([
                DeployInput,
                PullRequestInput,
                IncidentInput,
                UnplannedWorkInput,
                MilestoneInput,
                UsageInput,
              ]),
            ),
          },
        },
      },
    },
    responses: {
      200: json(IngestResultSchema, 'What was accepted, duplicated and rejected'),
      413: { description: 'More than 10,000 events or 10 MB' },
      ...problemResponses(400, 401, 403),
    },
  });
  api.post(
    '/events',
    ingestPolicy(),
    bodyLimit({ maxSize: MAX_BYTES, onError: tooLarge }),
    async (c) => {
      const source = await sourceOf(c, deps);
      const { allowed, retryAfter } = await hit(db, INGEST_LIMIT, source.id);
      if (!allowed) return tooMany(c, retryAfter);
      const lines = await linesOf(c);
      if (lines instanceof Response) return lines;
      if (lines.length > MAX_LINES) return tooLarge(c);
      const result = await ingestLines(db, source.id, lines, { via: 'api' });
      metrics.ingested({ ...result, rejected: result.rejected.length });
      return c.json(result, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/batches',
      tags: TAGS,
      middleware: [policy('signals.ingestion')] as const,
      summary: 'Recent ingest batches, newest first, with their rejected lines',
      request: {
        query: PageQuery.extend({
          rejected: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ description: 'Only batches with rejected lines' }),
        }),
      },
      responses: { 200: json(pageOf(BatchSchema), 'Batches'), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor, rejected } = c.req.valid('query');
      const page = await listBatches(db, { limit, cursor, withRejections: rejected === 'true' });
      return c.json(
        {
          items: page.items.map(({ sourceId: _s, sourceName, ...b }) => ({
            ...b,
            source: sourceName,
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/deliveries',
      tags: TAGS,
      middleware: [policy('signals.ingestion')] as const,
      summary: 'Recent GitHub webhook deliveries, newest first',
      request: { query: PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() }) },
      responses: {
        200: json(pageOf(DeliverySchema), 'Deliveries'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { limit, cursor, status } = c.req.valid('query');
      const page = await listDeliveries(db, { limit, cursor, status });
      return c.json(
        {
          items: page.items.map((d) => ({
            delivery: d.deliveryId,
            event: d.event,
            action: d.action,
            repository: d.repository,
            status: d.status,
            reason: d.reason,
            receivedAt: d.receivedAt,
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  registerSourcesApi(api, deps);
}
