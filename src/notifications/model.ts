// Notifications: the in-app inbox, email (immediate or a daily digest) and
// outbound webhooks. Pure types and rules; no database or network here.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const EMAIL_MODES = ['digest', 'immediate', 'off'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/** What a person gets unless they choose otherwise. */
export const DEFAULT_EMAIL_MODE: EmailMode = 'digest';

/** One message for one person: its inbox entry and the text of its email. */
export interface NotificationMessage {
  /** `feedback.status`, `feedback.merged`, `changelog.entry`, … */
  kind: string;
  title: string;
  body: string;
  /** A path inside paved (`/feedback/abc`), made absolute with PAVED_BASE_URL in email. */
  link: string;
}

export interface Notification extends NotificationMessage {
  id: string;
  createdAt: string;
  readAt: string | null;
}

/**
 * The events a webhook can subscribe to. Areas that send events add theirs
 * here, so the settings form offers them.
 */
export const WEBHOOK_EVENT_TYPES = [
  'feedback.created',
  'feedback.status_changed',
  'feedback.merged',
  'roadmap.created',
  'roadmap.updated',
  'roadmap.decided',
  'proposal.opened',
  'proposal.commented',
  'changelog.published',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The header that carries the signature, and the one that names the event. */
export const SIGNATURE_HEADER = 'X-Paved-Signature';
export const EVENT_HEADER = 'X-Paved-Event';
export const DELIVERY_HEADER = 'X-Paved-Delivery';

/**
 * The signature paved sends with every webhook body:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>" keyed with the webhook's secret>`.
 * The timestamp lets a receiver refuse replays older than a few minutes.
 */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Checks a signature header as a receiver would (constant-time compare). */
export function verifySignature(secret: string, body: string, header: string): boolean {
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = signBody(secret, body, t).split('v1=')[1]!;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

/** Attempts before a webhook delivery is given up (the first try included). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 3_600_000;

/**
 * The wait before the next try after `attempts` failed ones: 30 s, 1 min,
 * 2 min, 4 min … doubling, capped at 6 hours.
 */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** An event as a webhook receives it in the generic JSON format. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: object;
}

/** The body for a webhook's format: paved's JSON event, or a Slack-compatible `{text}`. */
export function webhookBody(format: WebhookFormat, event: WebhookEvent, baseUrl: string): string {
  if (format === 'json') return JSON.stringify(event);
  return JSON.stringify({ text: slackText(event, baseUrl) });
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackText(event: WebhookEvent, baseUrl: string): string {
  const data = event.data as { title?: unknown; summary?: unknown; link?: unknown };
  const title = typeof data.title === 'string' ? slackEscape(data.title) : event.type;
  const link = typeof data.link === 'string' ? new URL(data.link, baseUrl).toString() : null;
  const summary = typeof data.summary === 'string' ? ` — ${slackEscape(data.summary)}` : '';
  const head = link ? `<${link}|${title}>` : title;
  return `*${slackEscape(event.type)}*: ${head}${summary}`;
}
