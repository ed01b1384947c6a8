// What the roadmap pages share: words, tags, rendered Markdown, the item card
// and the parsing of linked feedback from a form.

import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { AppEnv } from '../core/http/env.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { DRIVER_LABELS, HORIZON_LABELS, type RoadmapItem, STATUS_LABELS, sideOf } from './model.ts';
import type { Ctx } from './service.ts';
import { itemPath } from './service.ts';
import type { ItemSummary } from './views.ts';

export { errorFor, formErrors, readForm } from '../capabilities/pages-shared.tsx';

/** Who acts, from where: the service's context for this request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { actor: c.get('actor')!, ip: c.get('clientIp') };
}

/** A status or driver as a word in a quiet box (never colour alone). */
export function Tag({ children }: { children?: string }) {
  return <span class="status">{children}</span>;
}

/** Markdown a person wrote, rendered safely (no raw HTML, safe links only). */
export function Markdown({ source }: { source: string }) {
  return <div class="markdown">{raw(renderMarkdown(source))}</div>;
}

export const ROLE_WORDS: Record<string, string> = {
  leader: 'leadership',
  platform: 'the platform team',
};

/** "23 people asked for this", or nothing when nobody voted. */
export function votersLine(voters: number): string | null {
  if (voters === 0) return null;
  return `${voters} ${voters === 1 ? 'person' : 'people'} asked for this`;
}

/** "A developer request, planned for next" */
export function itemLine(item: RoadmapItem): string {
  const status =
    item.status === 'proposed'
      ? 'open for comment'
      : item.status === 'declined'
        ? 'decided against'
        : `${STATUS_LABELS[item.status].toLowerCase()}`;
  return `${DRIVER_LABELS[item.driver]}, ${status}${item.status === 'shipped' || item.status === 'declined' ? '' : ` — ${HORIZON_LABELS[item.horizon].toLowerCase()}`}`;
}

/** One item in a column of the roadmap. */
export function ItemCard({ summary }: { summary: ItemSummary }) {
  const { item } = summary;
  const voters = votersLine(summary.voters);
  return (
    <li class="card">
      <h4>
        <a href={itemPath(item.id)}>{item.title}</a>
      </h4>
      <p>
        <Tag>{STATUS_LABELS[item.status]}</Tag>
        {sideOf(item.driver) === 'business' ? (
          <>
            {' '}
            <Tag>{DRIVER_LABELS[item.driver]}</Tag>
          </>
        ) : null}
        {summary.capability ? <span class="muted"> {summary.capability.name}</span> : null}
      </p>
      <p class="why">
        <strong>Why:</strong> {excerptText(item.rationale, 220)}
      </p>
      {voters || summary.comments > 0 ? (
        <p class="muted">
          {[voters, summary.comments > 0 ? `${summary.comments} comments` : null]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : null}
    </li>
  );
}

export function excerptText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/**
 * Feedback ids from a form's text: ids or addresses of feedback pages,
 * separated by commas, spaces or lines (`/feedback/abc` → `abc`).
 */
export function parseFeedbackIds(text: string | undefined): string[] {
  const ids = (text ?? '')
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /\/feedback\/([^/?#\s]+)/.exec(part);
      return m ? decodeURIComponent(m[1]!) : part;
    });
  return [...new Set(ids)];
}
