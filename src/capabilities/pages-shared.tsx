// What the capability pages share: words for states and stages, form
// helpers, and turning a service's refusal into the form's error summary.

import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Db } from '../core/db/index.ts';
import { Conflict, type FieldError, InvalidInput } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import { type Actor, can } from '../core/policy.ts';
import { getUserById } from '../identity/store.ts';
import type { Team } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import type { AdoptionState, ExceptionKind, ExceptionStatus, Stage } from './model.ts';
import type { Ctx } from './service.ts';

export const STAGE_WORDS: Record<Stage, string> = {
  idea: 'Idea',
  beta: 'Beta',
  ga: 'Generally available',
  deprecated: 'Deprecated',
  retired: 'Retired',
};

export const STATE_WORDS: Record<AdoptionState, string> = {
  none: 'Not using',
  trial: 'Trying it',
  adopted: 'Adopted',
  left: 'Left',
  'opted-out': 'Opted out',
  exempt: 'Exempt',
};

export const STATUS_WORDS: Record<ExceptionStatus, string> = {
  pending: 'Waiting for a decision',
  approved: 'Approved',
  denied: 'Denied',
  escalated: 'Escalated to leadership',
  expired: 'Expired',
  revoked: 'Revoked',
  withdrawn: 'Withdrawn',
};

export const KIND_WORDS: Record<ExceptionKind, string> = {
  exception: 'Exception',
  'policy-change': 'Policy challenge',
};

export const ROLE_WORDS: Record<string, string> = {
  leader: 'Leadership',
  platform: 'The platform team',
};

/** A status as a word in a quiet box (never colour alone). */
export function Tag({ children }: { children?: Child }) {
  return <span class="status">{children}</span>;
}

/** The capability's page, or one of its sub-pages. */
export const capabilityPath = (slug: string, rest = '') =>
  `/capabilities/${encodeURIComponent(slug)}${rest}`;

export const teamPath = (slug: string) => `/teams/${encodeURIComponent(slug)}`;

/** Who acts, from where: the service's context for this request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { actor: c.get('actor')!, ip: c.get('clientIp') };
}

/** The text fields of a submitted form (Hono caches the body the CSRF check already read). */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The message for one field, for a field's `error` prop. */
export function errorFor(errors: FieldError[] | undefined, path: string): string | undefined {
  return errors?.find((e) => e.path === path)?.message;
}

/**
 * A service's refusal as the form's errors: InvalidInput keeps its fields,
 * a Conflict goes on `fallback`. Anything else is not the form's to show.
 */
export function formErrors(error: unknown, fallback: string): FieldError[] | null {
  if (error instanceof InvalidInput) {
    return error.errors.length > 0 ? error.errors : [{ path: fallback, message: error.message }];
  }
  if (error instanceof Conflict) return [{ path: fallback, message: error.message }];
  return null;
}

/** A `YYYY-MM-DD` that is a real day. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Today as `YYYY-MM-DD` in UTC. */
export const today = () => new Date().toISOString().slice(0, 10);

/** Teams the actor may act for with a policy (members: their teams; platform: every team). */
export async function teamsFor(
  db: Db,
  actor: Actor | null,
  name: 'adoption.change' | 'exception.request',
): Promise<Team[]> {
  return (await listTeams(db)).filter((t) => can(actor, name, { teamId: t.id }));
}

/** Names of the users with these ids (for "by" columns); missing users are left out. */
export async function userNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids.filter((i): i is string => Boolean(i)))) {
    const user = await getUserById(db, id);
    if (user) names.set(id, user.name);
  }
  return names;
}

/** A one-line text field with its own id, for pages with several forms that share field names. */
export function TextField(props: {
  id: string;
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string;
}) {
  const describedBy =
    [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div class={props.error ? 'field field-error' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="error" id={`${props.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </span>
      ) : null}
      <input
        id={props.id}
        name={props.name}
        type="text"
        value={props.value ?? ''}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </div>
  );
}
