// GitHub webhooks: the signature check and what paved takes from a delivery.
// Pure functions; the route and the store do the rest.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { type DeployOutcome, isProduction } from './model.ts';

/**
 * True when `header` (`sha256=<64 hex>`) is the HMAC-SHA256 of the raw body
 * under one of the secrets (the current one, or the previous one during a
 * rotation). Every secret is tried, and compared in constant time.
 */
export function signatureMatches(
  body: Uint8Array,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  if (!header) return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** The HMAC header GitHub would send for a body (tests and documentation). */
export function signBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** An event taken from a delivery, before its repository is mapped to a team. */
export type GithubSignal =
  | {
      type: 'deploy';
      id: string;
      service: string;
      environment: string;
      started: string | null;
      finished: string;
      outcome: DeployOutcome;
    }
  | { type: 'pull_request'; id: string; opened: string; merged: string };

/** What a delivery is: its repository and action, and the event it carries or why it carries none. */
export interface DeliveryReading {
  repository: string | null;
  action: string | null;
  signal: GithubSignal | null;
  /** Why nothing is taken from it (when `signal` is null). */
  ignored: string | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const idOf = (v: unknown): string | null =>
  typeof v === 'number' || typeof v === 'string' ? String(v) : null;

function time(v: unknown): string | null {
  const text = str(v);
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Reads a delivery: `deployment_status` with state success or failure in a
 * production environment is a deploy; `pull_request` closed and merged is a
 * pull request; everything else is acknowledged and ignored.
 */
export function readDelivery(event: string, payload: unknown): DeliveryReading {
  const body = obj(payload);
  const repository = str(obj(body.repository).full_name)?.toLowerCase() ?? null;
  const action = str(body.action);
  const ignore = (ignored: string): DeliveryReading => ({
    repository,
    action,
    signal: null,
    ignored,
  });
  if (event === 'deployment_status') {
    const status = obj(body.deployment_status);
    const deployment = obj(body.deployment);
    const state = str(status.state);
    if (state !== 'success' && state !== 'failure')
      return ignore(`deployment status ${state ?? '(none)'} is neither success nor failure`);
    const environment = str(status.environment) ?? str(deployment.environment) ?? '';
    if (!isProduction(environment) && deployment.production_environment !== true)
      return ignore(`environment ${environment || '(none)'} is not production`);
    const id = idOf(status.id);
    const finished = time(status.created_at) ?? time(status.updated_at);
    if (!id || !finished || !repository)
      return ignore('the deployment status has no id, time or repository');
    const started = time(deployment.created_at);
    return {
      repository,
      action,
      ignored: null,
      signal: {
        type: 'deploy',
        id: `deployment_status:${id}`,
        service: repository.slice(repository.indexOf('/') + 1),
        environment: 'production',
        started: started && started <= finished ? started : null,
        finished,
        outcome: state,
      },
    };
  }
  if (event === 'pull_request') {
    const pr = obj(body.pull_request);
    if (action !== 'closed' || pr.merged !== true)
      return ignore('only merged pull requests are used');
    const id = idOf(pr.id);
    const merged = time(pr.merged_at);
    const opened = time(pr.created_at) ?? merged;
    if (!id || !merged || !opened || !repository)
      return ignore('the pull request has no id, times or repository');
    return {
      repository,
      action,
      ignored: null,
      signal: {
        type: 'pull_request',
        id: `pull_request:${id}`,
        // biome-ignore lint/complexity/useMathMinMax: the times are ISO strings, which Math.min cannot order
        opened: opened <= merged ? opened : merged,
        merged,
      },
    };
  }
  return ignore(`${event} events are not used`);
}
