import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/app.ts';
import { CliError } from './cli.ts';
import { apiClient, loginFile, readLogin, removeLogin, resolveLogin, saveLogin } from './client.ts';

/** What the fake server saw of the last request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server answering with `reply`, to see what the client sends and does. */
async function fakeServer(
  reply: (req: Seen, res: ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const entry = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(entry);
      reply(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function problem(res: ServerResponse, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', status, ...body }));
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(1);
  return error as CliError;
}

const TOKEN = 'pvd_test-token-value';

describe('API client', () => {
  let server: Awaited<ReturnType<typeof fakeServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the bearer token, JSON bodies and query strings under /api/v1', async () => {
    server = await fakeServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    const client = apiClient(captureIo(), { url: server.url, token: TOKEN });
    expect(await client.get('/feedback', { status: 'new', limit: 5, cursor: undefined })).toEqual({
      ok: true,
    });
    await client.request('POST', '/feedback', { title: 'Slow builds' });
    expect(server.seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/v1/feedback?status=new&limit=5',
    });
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.seen[1]).toMatchObject({
      method: 'POST',
      url: '/api/v1/feedback',
      body: '{"title":"Slow builds"}',
    });
    expect(server.seen[1]!.headers['content-type']).toBe('application/json');
  });

  it('answers undefined for 204 No Content', async () => {
    server = await fakeServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const client = apiClient(captureIo(), { url: server.url, token: TOKEN });
    expect(await client.request('DELETE', '/tokens/abc')).toBeUndefined();
  });

  it('turns problems into one line that says what to do next', async () => {
    const replies: [number, Record<string, unknown>][] = [
      [401, { title: 'Sign-in required', detail: 'The token is unknown, expired or revoked.' }],
      [403, { title: 'Forbidden', detail: 'You do not have permission to do this.' }],
      [
        400,
        {
          title: 'Invalid input',
          detail: 'The request has 1 invalid field: email.',
          errors: [{ path: 'email', message: 'Enter an email address' }],
        },
      ],
      [409, { title: 'Conflict', detail: 'There is already an account for a@example.com.' }],
      [500, { title: 'Internal server error', detail: 'Something went wrong on our side.' }],
    ];
    let i = 0;
    server = await fakeServer((_req, res) => {
      const [status, body] = replies[i++]!;
      problem(res, status, body);
    });
    const client = apiClient(captureIo(), { url: server.url, token: TOKEN });
    const messages: string[] = [];
    for (let n = 0; n < replies.length; n++) {
      messages.push((await failure(client.get('/me'))).message);
    }
    expect(messages).toEqual([
      'The token is unknown, expired or revoked. Run paved login again, or check PAVED_TOKEN.',
      'You do not have permission to do this. Run paved whoami to see your role; an admin can change it.',
      'The request has 1 invalid field: email. (email: Enter an email address)',
      'There is already an account for a@example.com.',
      'Something went wrong on our side. The server logged the error; try again later or tell your paved operator.',
    ]);
    for (const message of messages) {
      expect(message).not.toContain('\n');
      expect(message).not.toContain(TOKEN);
    }
  });

  it('says when the address is not paved at all', async () => {
    server = await fakeServer((req, res) => {
      res.writeHead(req.url === '/api/v1/me' ? 200 : 404, { 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const client = apiClient(captureIo(), { url: server.url, token: TOKEN });
    expect((await failure(client.get('/me'))).message).toContain('did not answer like paved');
    expect((await failure(client.get('/nope'))).message).toBe(
      `paved at ${server.url} answered 404: check PAVED_URL or paved login.`,
    );
  });

  it('says when paved cannot be reached', async () => {
    const stopped = await fakeServer(() => {});
    await stopped.close();
    const client = apiClient(captureIo(), { url: stopped.url, token: TOKEN });
    expect((await failure(client.get('/me'))).message).toBe(
      `Cannot reach paved at ${stopped.url}: is it running? Check PAVED_URL or paved login.`,
    );
  });
});

describe('stored login', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paved-client-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under XDG_CONFIG_HOME, or ~/.config, readable by its owner only', () => {
    expect(loginFile({ XDG_CONFIG_HOME: dir, HOME: '/home/x' })).toBe(
      join(dir, 'paved', 'config.json'),
    );
    expect(loginFile({ HOME: dir })).toBe(join(dir, '.config', 'paved', 'config.json'));
    expect(loginFile({ XDG_CONFIG_HOME: 'relative', HOME: dir })).toBe(
      join(dir, '.config', 'paved', 'config.json'),
    );
    expect(() => loginFile({})).toThrow(/set HOME or XDG_CONFIG_HOME/);

    const env = { XDG_CONFIG_HOME: dir };
    const file = saveLogin(env, { url: 'https://paved.example.com', token: TOKEN });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'paved')).mode & 0o777).toBe(0o700);
    expect(readLogin(env)).toEqual({ url: 'https://paved.example.com', token: TOKEN });
    expect(removeLogin(env)).toEqual({ url: 'https://paved.example.com', token: TOKEN });
    expect(readLogin(env)).toBeUndefined();
    expect(removeLogin(env)).toBeUndefined();
  });

  it('prefers PAVED_URL and PAVED_TOKEN to the stored login', () => {
    const env = { XDG_CONFIG_HOME: dir };
    saveLogin(env, { url: 'https://paved.example.com', token: 'stored' });
    expect(resolveLogin(env)).toEqual({ url: 'https://paved.example.com', token: 'stored' });
    expect(
      resolveLogin({ ...env, PAVED_URL: 'https://ci.example.com/', PAVED_TOKEN: 'from-env' }),
    ).toEqual({ url: 'https://ci.example.com', token: 'from-env' });
    // A token alone goes to the stored server; a stored token never goes to another server.
    expect(resolveLogin({ ...env, PAVED_TOKEN: 'from-env' })).toEqual({
      url: 'https://paved.example.com',
      token: 'from-env',
    });
    expect(resolveLogin({ ...env, PAVED_URL: 'https://paved.example.com/' })).toEqual({
      url: 'https://paved.example.com',
      token: 'stored',
    });
    expect(() => resolveLogin({ ...env, PAVED_URL: 'https://other.example.com' })).toThrow(
      /set PAVED_TOKEN, or run paved login --url https:\/\/other\.example\.com/,
    );
  });

  it('tells you to sign in when there is no login at all', () => {
    expect(() => resolveLogin({ XDG_CONFIG_HOME: dir })).toThrow(/Run paved login --url/);
    expect(() => resolveLogin({ XDG_CONFIG_HOME: dir, PAVED_TOKEN: 'x' })).toThrow(/set PAVED_URL/);
    expect(() =>
      resolveLogin({ XDG_CONFIG_HOME: dir, PAVED_URL: 'ftp://x', PAVED_TOKEN: 'x' }),
    ).toThrow(/not an http\(s\) address/);
  });
});
