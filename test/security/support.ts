import type { Hono } from 'hono';
import { POLICY } from '../../src/core/http/auth.ts';
import type { AppEnv } from '../../src/core/http/env.ts';
import { createLogger, type Logger } from '../../src/core/log.ts';
import type { PolicyName } from '../../src/core/policy.ts';

/** One registered route (method and path) with the policies its handlers declare. */
export interface RouteInfo {
  method: string;
  path: string;
  /** Policies declared by `policy(...)` middleware on this route, in order. */
  policies: PolicyName[];
  /** True when a policy check is registered before the route's last handler, so it runs. */
  policyRunsFirst: boolean;
}

// `app.use(...)` registers middleware as method ALL with a wildcard path; those are not routes.
const isMiddleware = (method: string, path: string) => method === 'ALL' && path.endsWith('*');

function policyOf(handler: unknown): PolicyName | undefined {
  return (handler as Record<symbol, PolicyName | undefined>)[POLICY];
}

/** Every route the app has registered right now, read from `app.routes`: generic over later areas. */
export function registeredRoutes(app: Hono<AppEnv>): RouteInfo[] {
  const byRoute = new Map<string, { method: string; path: string; handlers: unknown[] }>();
  for (const r of app.routes) {
    if (isMiddleware(r.method, r.path)) continue;
    const key = `${r.method} ${r.path}`;
    const entry = byRoute.get(key) ?? { method: r.method, path: r.path, handlers: [] };
    entry.handlers.push(r.handler);
    byRoute.set(key, entry);
  }
  return [...byRoute.values()].map(({ method, path, handlers }) => {
    const policies = handlers.map(policyOf).filter((p): p is PolicyName => p !== undefined);
    const firstPolicy = handlers.findIndex((h) => policyOf(h) !== undefined);
    return {
      method,
      path,
      policies,
      policyRunsFirst: firstPolicy >= 0 && firstPolicy < handlers.length - 1,
    };
  });
}

export const isApiPath = (path: string) => path.startsWith('/api/');
export const isAssetPath = (path: string) => path.startsWith('/assets/');
export const isSafeMethod = (method: string) => ['GET', 'HEAD', 'OPTIONS'].includes(method);

const PARAM = /:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?\??/g;

/** A route's parameters with the path segment before each (`/teams/:slug` → slug after teams). */
export function pathParams(path: string): Array<{ name: string; before: string }> {
  return [...path.matchAll(PARAM)].map((m) => ({
    name: m[1]!,
    before: path.slice(0, m.index).split('/').filter(Boolean).at(-1) ?? '',
  }));
}

/**
 * Fills a route's parameters (`:slug`, `:id{[0-9]+}`, `*`) from `known`, or with a
 * placeholder from `fallback`; `known` is false when any placeholder was used.
 */
export function fillPath(
  path: string,
  known: (name: string, before: string) => string | undefined,
  fallback: (name: string) => string = (name) => `no-such-${name}`,
): { url: string; known: boolean } {
  let allKnown = true;
  const params = pathParams(path);
  let i = 0;
  const url = path
    .replace(PARAM, (_m, name: string) => {
      const value = known(name, params[i++]!.before);
      if (value === undefined) allKnown = false;
      return encodeURIComponent(value ?? fallback(name));
    })
    .replace(/\*/g, () => {
      allKnown = false;
      return 'x';
    });
  return { url, known: allKnown };
}

/** A logger whose JSON lines stay in memory, to read back what paved logged. */
export function memoryLogger(level = 'trace'): {
  log: Logger;
  text: () => string;
  records: () => Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(line) });
  return {
    log,
    text: () => lines.join(''),
    records: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/**
 * The node-server bindings `@hono/node-server` passes as `c.env`: the socket
 * peer and the raw header list (where duplicates are still visible).
 */
export function fromPeer(remoteAddress: string, rawHeaders: Array<[string, string]> = []) {
  return { incoming: { socket: { remoteAddress }, rawHeaders: rawHeaders.flat() } };
}

/** The value the browser keeps from a response's Set-Cookie lines for `name` (the last wins). */
export function setCookieValue(res: Response, name: string): string | undefined {
  let value: string | undefined;
  for (const line of res.headers.getSetCookie()) {
    if (line.startsWith(`${name}=`)) value = line.slice(name.length + 1).split(';')[0];
  }
  return value;
}

/** The inputs of the first form in a page that has a password field, by name. */
export function formFields(html: string): {
  action: string | undefined;
  inputs: Array<{ name: string; type: string; value: string }>;
} {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => /type="password"/.test(f)) ?? forms[0] ?? '';
  const action = /<form[^>]*action="([^"]*)"/.exec(form)?.[1];
  const inputs = [...form.matchAll(/<input\b[^>]*>/g)].map(([tag]) => ({
    name: /\bname="([^"]*)"/.exec(tag)?.[1] ?? '',
    type: /\btype="([^"]*)"/.exec(tag)?.[1] ?? 'text',
    value: (/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&'),
  }));
  return { action, inputs: inputs.filter((i) => i.name) };
}

/**
 * Signs in through the sign-in form when paved has one: reads GET /login's
 * form (hidden fields included), fills the email and password fields and
 * posts it. Undefined when no POST /login route is registered yet.
 */
export async function postLogin(
  app: Hono<AppEnv>,
  credentials: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<Response | undefined> {
  const routes = registeredRoutes(app);
  if (!routes.some((r) => r.method === 'POST' && r.path === '/login')) return undefined;
  const page = await app.request('/login', { headers });
  const { action, inputs } = formFields(await page.text());
  const cookies = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const form = new URLSearchParams();
  const fields =
    inputs.length > 0
      ? inputs
      : [
          { name: 'email', type: 'email', value: '' },
          { name: 'password', type: 'password', value: '' },
        ];
  for (const input of fields) {
    if (input.type === 'password') form.set(input.name, credentials.password);
    else if (input.type === 'email' || /email|user/i.test(input.name))
      form.set(input.name, credentials.email);
    else if (input.type === 'hidden') form.set(input.name, input.value);
  }
  const cookie = [headers.Cookie, cookies].filter(Boolean).join('; ');
  return app.request(action?.startsWith('/') ? action : '/login', {
    method: 'POST',
    headers: {
      ...headers,
      ...(cookie ? { Cookie: cookie } : {}),
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://localhost',
    },
    body: form.toString(),
  });
}
