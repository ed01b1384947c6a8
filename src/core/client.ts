import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, configFile, type Io } from './cli.ts';

/** Where user commands find paved and who they are: a server URL and an API token. */
export interface Login {
  url: string;
  token: string;
}

type Env = Io['env'];

/** `$XDG_CONFIG_HOME/paved/config.json`, or `~/.config/paved/config.json`. */
export const loginFile = configFile;

/** The config file as an object (the login and settings such as `"accessible": true`); undefined when absent. */
function readConfig(env: Env): Record<string, unknown> | undefined {
  const file = loginFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}.`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new CliError(`${file} is damaged. Run paved logout, then paved login --url … again.`);
}

/** The stored login, if any (the file may hold only settings). */
export function readLogin(env: Env): Login | undefined {
  const parsed = readConfig(env);
  if (!parsed || (parsed.url === undefined && parsed.token === undefined)) return undefined;
  if (typeof parsed.url === 'string' && typeof parsed.token === 'string') {
    return { url: parsed.url, token: parsed.token };
  }
  throw new CliError(
    `${loginFile(env)} is damaged. Run paved logout, then paved login --url … again.`,
  );
}

/** Writes the config file readable by its owner only: directory 0700, file 0600. */
function writeConfig(env: Env, config: Record<string, unknown>): string {
  const file = loginFile(env);
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // Written beside it with mode 0600 and renamed, so the token is never readable by others.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

/** The config file's settings other than the login, kept when a damaged file would otherwise stop us. */
function otherSettings(env: Env): Record<string, unknown> {
  try {
    const { url: _url, token: _token, ...rest } = readConfig(env) ?? {};
    return rest;
  } catch {
    return {};
  }
}

/** Stores the login readable by its owner only, keeping the file's other settings. */
export function saveLogin(env: Env, login: Login): string {
  return writeConfig(env, { ...otherSettings(env), url: login.url, token: login.token });
}

/** Removes the stored login, keeping the file's other settings; the login it held, if there was one. */
export function removeLogin(env: Env): Login | undefined {
  let login: Login | undefined;
  try {
    login = readLogin(env);
  } catch {
    login = undefined;
  }
  const rest = otherSettings(env);
  if (Object.keys(rest).length > 0) writeConfig(env, rest);
  else rmSync(loginFile(env), { force: true });
  return login;
}

/** `https://paved.example.com/` → `https://paved.example.com`; undefined when it is not an http(s) URL. */
export function normalizeUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/**
 * PAVED_URL and PAVED_TOKEN when set (for CI), else the stored login. A stored
 * token is only ever sent to the server it was stored for.
 */
export function resolveLogin(env: Env): Login {
  const envUrl = env.PAVED_URL || undefined;
  const envToken = env.PAVED_TOKEN || undefined;
  const stored = envUrl && envToken ? undefined : readLogin(env);
  const rawUrl = envUrl ?? stored?.url;
  if (!rawUrl) {
    throw new CliError(
      envToken
        ? 'PAVED_TOKEN is set but PAVED_URL is not: set PAVED_URL to your paved address too.'
        : 'You are not signed in. Run paved login --url https://paved.example.com (your paved address), or set PAVED_URL and PAVED_TOKEN.',
    );
  }
  const url = normalizeUrl(rawUrl);
  if (!url) throw new CliError(`${rawUrl} is not an http(s) address: check PAVED_URL.`);
  if (envToken) return { url, token: envToken };
  if (!stored || stored.url !== url) {
    throw new CliError(
      `PAVED_URL is set but PAVED_TOKEN is not, and you have no stored login for ${url}: set PAVED_TOKEN, or run paved login --url ${url}.`,
    );
  }
  return { url, token: stored.token };
}

/** What the HTTP API says when a request fails (application/problem+json). */
interface Problem {
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

type Query = Record<string, string | number | boolean | undefined>;

/** A small client for `/api/v1`, for every user command. */
export interface ApiClient {
  url: string;
  /** Calls the API; answers the parsed JSON (undefined for 204). Failures are CliErrors. */
  request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T>;
  get<T>(path: string, query?: Query): Promise<T>;
}

/** What to do next, by status; the problem's detail says what went wrong. */
const NEXT_STEP: Record<number, string> = {
  401: 'Run paved login again, or check PAVED_TOKEN.',
  403: 'Run paved whoami to see your role; an admin can change it.',
  404: 'Check the id or name (the list commands show them).',
  429: 'Wait a little and try again.',
};

const TIMEOUT_MS = 30_000;

/**
 * The API client for the login in `io.env` (or the given one).
 * @example const me = await apiClient(io).get<{ name: string }>('/me');
 */
export function apiClient(io: Io, login: Login = resolveLogin(io.env)): ApiClient {
  const base = `${login.url}/api/v1`;

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${login.token}`,
      Accept: 'application/json, application/problem+json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new CliError(
          `paved at ${login.url} did not answer within ${TIMEOUT_MS / 1000} seconds: try again later.`,
        );
      }
      throw new CliError(
        `Cannot reach paved at ${login.url}: is it running? Check PAVED_URL or paved login.`,
      );
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed = parseJson(text);
    if (res.ok) {
      if (parsed === undefined) {
        throw new CliError(
          `${login.url} did not answer like paved (no JSON): check PAVED_URL or paved login.`,
        );
      }
      return parsed as T;
    }
    throw new CliError(failureMessage(res.status, login.url, parsed as Problem | undefined));
  }

  return {
    url: login.url,
    request,
    get: <T>(path: string, query: Query = {}) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) params.set(key, String(value));
      }
      const qs = params.toString();
      return request<T>('GET', qs ? `${path}?${qs}` : path);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** One line: what went wrong (the problem's detail and fields) and what to do next. */
function failureMessage(status: number, url: string, problem: Problem | undefined): string {
  const what =
    problem?.detail ??
    problem?.title ??
    `paved at ${url} answered ${status}${status === 404 ? ': check PAVED_URL or paved login' : ''}.`;
  // A field message that only repeats the detail would say the same thing twice.
  const fields = (problem?.errors ?? [])
    .filter((e) => e.message !== what)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
  // Without a problem body the 404 is not paved's: the line above says what to check.
  const next =
    (problem ? NEXT_STEP[status] : status === 404 ? '' : NEXT_STEP[status]) ??
    (status >= 500
      ? 'The server logged the error; try again later or tell your paved operator.'
      : '');
  return [what, fields && `(${fields})`, next].filter(Boolean).join(' ');
}
