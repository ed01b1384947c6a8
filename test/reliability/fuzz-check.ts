// What every fuzz answer must be: never a 5xx; from the API (and the GitHub
// hook) every 4xx is application/problem+json, and a 400 names its fields —
// the broken one when the case broke one; from pages, an HTML page.

import type { FuzzRequest } from './fuzz-api.ts';

/** A broken rule, with the case that broke it. */
export interface FuzzFailure {
  rule: string;
  route: string;
  mode: string;
  caller: string;
  field?: string;
  status: number;
  url: string;
  detail: string;
}

interface ProblemBody {
  status?: unknown;
  title?: unknown;
  errors?: Array<{ path?: unknown; message?: unknown }>;
}

/** True for routes that answer machines: the API and the GitHub webhook. */
export const answersProblems = (path: string) =>
  path === '/api' || path.startsWith('/api/') || path === '/hooks/github';

/** Checks one answer; returns the broken rule, or null. */
export function checkAnswer(
  req: FuzzRequest,
  status: number,
  type: string,
  text: string,
): FuzzFailure | null {
  const fail = (rule: string, detail: string): FuzzFailure => ({
    rule,
    route: req.route,
    mode: req.mode,
    caller: req.caller,
    ...(req.field === undefined ? {} : { field: req.field }),
    status,
    url: req.url.length > 200 ? `${req.url.slice(0, 200)}…` : req.url,
    detail: detail.slice(0, 300),
  });
  if (status >= 500) return fail('5xx', text);
  if (req.expectStatus && !req.expectStatus.includes(status)) {
    return fail(`expected ${req.expectStatus.join(' or ')}`, text);
  }
  if (status < 400) return null;
  const path = req.url.split('?')[0]!;
  // A person's browser posting to the GitHub hook is refused like any page.
  const browser =
    path === '/hooks/github' && req.caller !== 'anonymous' && type.startsWith('text/html');
  if (!answersProblems(path) || browser) {
    return type.startsWith('text/html') ? null : fail('page error is not HTML', type);
  }
  if (!type.startsWith('application/problem+json'))
    return fail('4xx is not problem+json', `${type}: ${text}`);
  let body: ProblemBody;
  try {
    body = JSON.parse(text) as ProblemBody;
  } catch {
    return fail('problem is not JSON', text);
  }
  if (body.status !== status || typeof body.title !== 'string') {
    return fail('problem lacks status or title', text);
  }
  if (status !== 400) return null;
  const errors = body.errors;
  if (!Array.isArray(errors) || errors.length === 0) return fail('400 names no field', text);
  if (
    errors.some((e) => typeof e.path !== 'string' || e.path === '' || typeof e.message !== 'string')
  ) {
    return fail('400 error without a path or message', text);
  }
  if (req.namesField && req.field) {
    const f = req.field;
    const paths = errors.map((e) => e.path as string);
    const named = paths.some((p) => p === f || p.startsWith(`${f}.`) || p.startsWith(`${f}[`));
    // Parameters are validated before the body: a bad generated one may be named instead.
    const earlier = paths.every((p) => req.earlierFields?.includes(p.split('.')[0]!));
    if (!named && !earlier) return fail('400 does not name the broken field', text);
  }
  return null;
}
