import type { Db } from '../core/db/index.ts';
import { formatEntityRef, parseEntityRef } from '../org/model.ts';
import type { EventInput, Parsed, ResolvedEvent } from './model.ts';

/**
 * Turns the refs of events into ids: teams by slug or group entity ref, people
 * by email or user entity ref, capabilities and sources by slug. Loaded once
 * and reused across batches (the demo generator resolves millions of events).
 */
export interface Resolver {
  team(ref: string): string | undefined;
  person(ref: string): string | undefined;
  capability(slug: string): string | undefined;
  source(name: string): string | undefined;
}

/** Reads every team, person, capability and source once. */
export async function loadResolver(db: Db): Promise<Resolver> {
  const [teams, people, capabilities, sources] = await Promise.all([
    db.selectFrom('teams').select(['id', 'slug', 'ref']).execute(),
    db.selectFrom('people').select(['id', 'email', 'ref']).execute(),
    db.selectFrom('capabilities').select(['id', 'slug']).execute(),
    db.selectFrom('signal_sources').select(['id', 'name']).execute(),
  ]);
  const teamBySlug = new Map(teams.map((t) => [t.slug, t.id]));
  const teamByRef = new Map(teams.map((t) => [t.ref.toLowerCase(), t.id]));
  const personByEmail = new Map(
    people.filter((p) => p.email).map((p) => [p.email!.toLowerCase(), p.id]),
  );
  const personByRef = new Map(people.map((p) => [p.ref.toLowerCase(), p.id]));
  const capabilityBySlug = new Map(capabilities.map((c) => [c.slug, c.id]));
  const sourceByName = new Map(sources.map((s) => [s.name, s.id]));
  const isRef = (text: string) => text.includes(':') || text.includes('/');
  return {
    team(ref) {
      const text = ref.trim();
      if (isRef(text)) return teamByRef.get(formatEntityRef(parseEntityRef(text, 'group')));
      return teamBySlug.get(text.toLowerCase());
    },
    person(ref) {
      const text = ref.trim();
      if (text.includes('@') && !isRef(text)) return personByEmail.get(text.toLowerCase());
      return personByRef.get(formatEntityRef(parseEntityRef(text, 'user')));
    },
    capability: (slug) => capabilityBySlug.get(slug.trim().toLowerCase()),
    source: (name) => sourceByName.get(name.trim().toLowerCase()),
  };
}

/** Resolves one validated event; an unknown ref rejects it with the field and what to use. */
export function resolveEvent(
  resolver: Resolver,
  sourceId: string,
  event: EventInput,
): Parsed<ResolvedEvent> {
  const fail = (reason: string): Parsed<ResolvedEvent> => ({ ok: false, reason });
  let teamId = '';
  if ('team' in event) {
    const id = resolver.team(event.team);
    if (!id)
      return fail(
        `team: unknown team ${JSON.stringify(event.team)} (use a team slug or a group entity ref)`,
      );
    teamId = id;
  }
  const capability = (slug: string | undefined, path = 'capability') => {
    if (slug === undefined) return { ok: true as const, id: null };
    const id = resolver.capability(slug);
    return id
      ? { ok: true as const, id }
      : {
          ok: false as const,
          reason: `${path}: unknown capability ${JSON.stringify(slug)} (use a capability slug)`,
        };
  };
  const person = (ref: string, path: string) => {
    const id = resolver.person(ref);
    return id
      ? { ok: true as const, id }
      : {
          ok: false as const,
          reason: `${path}: unknown person ${JSON.stringify(ref)} (use an email or a user entity ref)`,
        };
  };
  switch (event.type) {
    case 'deploy': {
      const cap = capability(event.capability);
      if (!cap.ok) return fail(cap.reason);
      return {
        ok: true,
        value: {
          type: 'deploy',
          id: event.id,
          teamId,
          service: event.service,
          environment: event.environment,
          started: event.started ?? null,
          finished: event.finished,
          outcome: event.outcome,
          commitTimes: [...event.commitTimes].sort(),
          capabilityId: cap.id,
        },
      };
    }
    case 'pull_request': {
      let authorId: string | null = null;
      if (event.author !== undefined) {
        const author = person(event.author, 'author');
        if (!author.ok) return fail(author.reason);
        authorId = author.id;
      }
      return {
        ok: true,
        value: {
          type: 'pull_request',
          id: event.id,
          teamId,
          authorId,
          opened: event.opened,
          merged: event.merged ?? null,
        },
      };
    }
    case 'incident': {
      let causeDeploy: { sourceId: string; clientId: string } | null = null;
      let causeCapabilityId: string | null = null;
      const cause = event.causedBy;
      if (cause && 'deploy' in cause) {
        let deploySource = sourceId;
        if (cause.source !== undefined) {
          const found = resolver.source(cause.source);
          if (!found)
            return fail(`causedBy.source: unknown source ${JSON.stringify(cause.source)}`);
          deploySource = found;
        }
        causeDeploy = { sourceId: deploySource, clientId: cause.deploy };
      } else if (cause && 'capability' in cause) {
        const cap = capability(cause.capability, 'causedBy.capability');
        if (!cap.ok) return fail(cap.reason);
        causeCapabilityId = cap.id;
      }
      return {
        ok: true,
        value: {
          type: 'incident',
          id: event.id,
          teamId,
          started: event.started,
          resolved: event.resolved ?? null,
          causeDeploy,
          causeCapabilityId,
        },
      };
    }
    case 'unplanned_work': {
      const cap = capability(event.capability);
      if (!cap.ok) return fail(cap.reason);
      return {
        ok: true,
        value: {
          type: 'unplanned_work',
          id: event.id,
          teamId,
          capabilityId: cap.id!,
          hours: event.hours,
          cause: event.cause,
          at: event.at,
        },
      };
    }
    case 'milestone': {
      const who = person(event.person, 'person');
      if (!who.ok) return fail(who.reason);
      return {
        ok: true,
        value: {
          type: 'milestone',
          id: event.id,
          personId: who.id,
          milestone: event.milestone,
          at: event.at,
        },
      };
    }
    case 'usage': {
      const cap = capability(event.capability);
      if (!cap.ok) return fail(cap.reason);
      return {
        ok: true,
        value: {
          type: 'usage',
          id: event.id,
          teamId,
          capabilityId: cap.id!,
          at: event.at,
          count: event.count,
        },
      };
    }
  }
}
