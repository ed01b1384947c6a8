// What the page and throughput steps ask the running server over plain HTTP:
// raw responses (bytes as they come off the socket), signing in through
// /login as a demo account, and the API for which surveys exist.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { openDatabase } from '../src/core/db/index.ts';
import { getSetting } from '../src/core/settings.ts';
import { type DemoAccount, demoAccounts } from '../src/demo/model.ts';
import type { FirstHtml } from './pages-weight.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as sent: still compressed when the server compressed it. */
  body: Buffer;
}

/** One GET whose body is not decompressed (node:http never does), so its length is the wire size. */
export function getRaw(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<RawResponse> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${new URL(url).pathname} took over ${timeoutMs / 1000} s`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** The body decoded as the browser would, for the encodings paved may send. */
export function decodeBody(body: Buffer, encoding: string | null): Buffer {
  switch (encoding) {
    case null:
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'br':
      return brotliDecompressSync(body);
    case 'deflate':
      return inflateSync(body);
    default:
      throw new Error(`The server sent an encoding this benchmark cannot read: ${encoding}`);
  }
}

/** The first HTML response of a page, asked for with `Accept-Encoding: gzip, br` as a browser does. */
export async function firstHtml(
  url: string,
  cookie: string,
  timeoutMs = 60_000,
): Promise<FirstHtml & { html: string }> {
  const res = await getRaw(url, { Cookie: cookie, 'Accept-Encoding': 'gzip, br' }, timeoutMs);
  const header = res.headers['content-encoding'];
  const encoding = typeof header === 'string' && header.trim() ? header.trim().toLowerCase() : null;
  const html = decodeBody(res.body, encoding);
  return {
    status: res.status,
    encoding,
    wireBytes: res.body.length,
    htmlBytes: html.length,
    gzipBytes: encoding === 'gzip' ? res.body.length : gzipSync(html).length,
    html: html.toString('utf8'),
  };
}

/**
 * Waits until the server answers /healthz again (after a page that kept it
 * busy), polling every second; false when it has not within `withinMs`.
 */
export async function waitForServer(baseUrl: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const left = deadline - Date.now();
    const ok = await getRaw(
      new URL('/healthz', baseUrl).href,
      {},
      Math.max(1000, Math.min(left, 5000)),
    )
      .then((res) => res.status === 200)
      .catch(() => false);
    if (ok) return true;
    await new Promise((done) => setTimeout(done, 1000));
  }
  return false;
}

/** A signed-in browser session: the cookie as a header and as its parts. */
export interface Session {
  name: string;
  value: string;
  /** `name=value`, for a Cookie header. */
  header: string;
  /** The account it belongs to. */
  email: string;
}

/** The demo's sign-ins (the demo writes them into the database it builds). */
export async function readDemoAccounts(databaseUrl: string): Promise<DemoAccount[]> {
  const handle = await openDatabase(databaseUrl, { poolSize: 1 });
  try {
    return await getSetting(handle.db, demoAccounts);
  } finally {
    await handle.close();
  }
}

/** Signs in through the sign-in form, as a person does, and keeps the session cookie. */
export async function signInAs(baseUrl: string, account: DemoAccount): Promise<Session> {
  const res = await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: account.email, password: account.password, next: '/' }),
  });
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!.trim())
    .find((pair) => /^(__Host-)?paved_session=./.test(pair));
  if (res.status !== 303 || !cookie) {
    throw new Error(
      `Signing in as ${account.email} through /login answered ${res.status} without a session cookie.`,
    );
  }
  const eq = cookie.indexOf('=');
  return {
    name: cookie.slice(0, eq),
    value: cookie.slice(eq + 1),
    header: cookie,
    email: account.email,
  };
}

/** A GET on the API with the runner's admin token; throws unless it answers 200. */
export async function apiGet<T>(baseUrl: string, token: string, path: string): Promise<T> {
  const res = await fetch(new URL(`/api/v1${path}`, baseUrl), {
    headers: { Authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /api/v1${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface SurveyRow {
  id: string;
  state: string;
  period: string;
}

/** The newest open survey (for its answer form) and the newest closed one (for its results). */
export async function findSurveys(
  baseUrl: string,
  token: string,
  preferred?: string,
): Promise<{ open?: string; closed?: string }> {
  const all: SurveyRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const answer: { items: SurveyRow[]; nextCursor: string | null } = await apiGet(
      baseUrl,
      token,
      `/surveys${query}`,
    );
    all.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  const newest = (state: string) => {
    const chosen = all.find((s) => s.id === preferred && s.state === state);
    if (chosen) return chosen.id;
    return all.filter((s) => s.state === state).sort((a, b) => b.period.localeCompare(a.period))[0]
      ?.id;
  };
  return { open: newest('open'), closed: newest('closed') };
}
