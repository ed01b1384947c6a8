import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import type { Stdin } from '../core/cli.ts';
import type { Db } from '../core/db/index.ts';
import { run } from '../main.ts';
import { verifyPassword } from './passwords.ts';
import { getUserByEmail, passwordHashOf, peekLink } from './store.ts';

const PASSWORD = 'correct horse staple battery';

/** Standard input with `text` piped in (no terminal). */
function piped(text: string): Stdin {
  return {
    isTty: false,
    read: async () => text,
    readHidden: () => Promise.reject(new Error('not a terminal')),
  };
}

/** A terminal where the person types `answers`, one per prompt; records the prompts. */
function terminal(answers: string[]): Stdin & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    isTty: true,
    prompts,
    read: () => Promise.reject(new Error('a terminal is not read to its end here')),
    readHidden: async (question) => {
      prompts.push(question);
      return answers.shift() ?? '';
    },
  };
}

async function auditRows(db: Db) {
  return db.selectFrom('audit_log').selectAll().orderBy('at').execute();
}

describeEngines('identity operator CLI', (handle) => {
  /** Runs `paved …` against the test database, with optional standard input. */
  async function paved(args: string[], stdin?: Stdin, env: Record<string, string> = {}) {
    const io = { ...captureIo({ PAVED_DATABASE_URL: handle().url, ...env }), stdin };
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const addArgs = (email: string, role = 'admin') => [
    'user',
    'add',
    '--email',
    email,
    '--name',
    'Ada Lovelace',
    '--role',
    role,
  ];

  it('adds an account with the first line of standard input as its password', async () => {
    const res = await paved(
      [...addArgs('Ada@Example.com'), '--password-stdin'],
      piped(`${PASSWORD}\nignored`),
    );
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toBe('Added ada@example.com (admin). They can sign in now.\n');
    const user = await getUserByEmail(handle().db, 'ada@example.com');
    expect(user).toMatchObject({ name: 'Ada Lovelace', role: 'admin', hasPassword: true });
    const hash = await passwordHashOf(handle().db, user!.id);
    expect(await verifyPassword(PASSWORD, hash!)).toBe(true);
    const [audit] = await auditRows(handle().db);
    expect(audit).toMatchObject({ action: 'user.create', actor_id: null, target_id: user!.id });
    expect(JSON.parse(audit!.details)).toEqual({ via: 'cli', role: 'admin' });
    expect(JSON.stringify(await auditRows(handle().db))).not.toContain(PASSWORD);
  });

  it('asks twice on a terminal without echoing, and refuses passwords that differ', async () => {
    const tty = terminal([PASSWORD, PASSWORD]);
    expect((await paved(addArgs('grace@example.com', 'platform'), tty)).code).toBe(0);
    expect(tty.prompts).toEqual([
      'Password for grace@example.com (12 to 128 characters): ',
      'The same password again: ',
    ]);
    const differ = await paved(addArgs('alan@example.com'), terminal([PASSWORD, `${PASSWORD}!`]));
    expect(differ).toMatchObject({ code: 1 });
    expect(differ.stderr).toBe('paved: The passwords differ. Nothing was added.\n');
    expect(await getUserByEmail(handle().db, 'alan@example.com')).toBeUndefined();
  });

  it('says to use --password-stdin when there is no terminal to ask on', async () => {
    for (const stdin of [undefined, piped(PASSWORD)]) {
      const res = await paved(addArgs('ada@example.com'), stdin);
      expect(res).toMatchObject({ code: 2 });
      expect(res.stderr).toBe(
        'paved: No password given and standard input is not a terminal: pipe it in with --password-stdin (the first line is read).\n',
      );
    }
    // --no-input on a terminal: nothing is asked, the same one line names the flag.
    const typing = terminal([PASSWORD, PASSWORD]);
    const res = await paved([...addArgs('ada@example.com'), '--no-input'], typing);
    expect(res).toMatchObject({ code: 2 });
    expect(res.stderr).toBe(
      'paved: No password given and --no-input is set: pipe it in with --password-stdin (the first line is read).\n',
    );
    expect(typing.prompts).toEqual([]);
    expect(await getUserByEmail(handle().db, 'ada@example.com')).toBeUndefined();
  });

  it('refuses a weak password with one line on stderr, adding nothing', async () => {
    for (const weak of ['short', 'password1234', 'ada@example.com', '']) {
      const res = await paved([...addArgs('ada@example.com'), '--password-stdin'], piped(weak));
      expect(res).toMatchObject({ code: 1 });
      expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/^paved: .*Nothing was added\.\n$/);
    }
    expect(await getUserByEmail(handle().db, 'ada@example.com')).toBeUndefined();
    expect(await auditRows(handle().db)).toEqual([]);
  });

  it('refuses a second account with the same email, saying what to do instead', async () => {
    const add = () => paved([...addArgs('ada@example.com'), '--password-stdin'], piped(PASSWORD));
    expect((await add()).code).toBe(0);
    const again = await add();
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toBe(
      'paved: There is already an account for ada@example.com. To give them a new password, run paved user reset-password --email ada@example.com.\n',
    );
    expect(await auditRows(handle().db)).toHaveLength(1);
  });

  it('exits 2 on bad usage, and never takes a password as a flag value', async () => {
    const cases = [
      ['user', 'add', '--name', 'X', '--role', 'admin', '--password-stdin'],
      [...addArgs('ada@example.com'), '--password', PASSWORD],
      [...addArgs('ada@example.com', 'owner'), '--password-stdin'],
      [...addArgs('not-an-email'), '--password-stdin'],
      ['user', 'frobnicate'],
      ['token', 'create', '--email', 'ada@example.com', '--expires', '3y'],
      ['token', 'revoke'],
    ];
    for (const args of cases) {
      const res = await paved(args, piped(PASSWORD));
      expect([args.join(' '), res.code]).toEqual([args.join(' '), 2]);
      expect(res.stderr).not.toBe('');
      expect(res.stdout).toBe('');
    }
    expect(await getUserByEmail(handle().db, 'ada@example.com')).toBeUndefined();
  });

  it('lists accounts as a table or as JSON', async () => {
    await signIn(handle(), 'admin', 'b@example.test');
    await signIn(handle(), 'developer', 'a@example.test');
    const table = await paved(['user', 'list']);
    expect(table).toMatchObject({ code: 0 });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Email\s+Name\s+Role\s+Status\s+Added$/);
    expect(lines[1]).toMatch(/^a@example\.test\s+Test developer\s+developer\s+no password yet/);
    const json = await paved(['user', 'list', '--json']);
    const users = JSON.parse(json.stdout) as { email: string; role: string }[];
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ['a@example.test', 'developer'],
      ['b@example.test', 'admin'],
    ]);
    expect(Object.keys(users[0]!)).not.toContain('passwordHash');
    expect(json.stdout).not.toContain('scrypt');
  });

  it('disables and enables an account; disabling stops its token', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const refused = await paved(['user', 'disable', '--email', 'dev@example.test']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      'paved: Disabling dev@example.test ends their sessions and stops their tokens at once. Add --force to go ahead.\n',
    );
    const said = { ...terminal([]), readLine: async () => 'no' };
    expect(await paved(['user', 'disable', '--email', 'dev@example.test'], said)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Stopped; nothing was changed.'),
    });
    const disabled = await paved(['user', 'disable', '--email', 'dev@example.test'], {
      ...terminal([]),
      readLine: async () => 'yes',
    });
    expect(disabled).toMatchObject({ code: 0 });
    expect(disabled.stderr).toContain('Disabled dev@example.test');
    const me = () => testApp(handle()).request('/api/v1/me', { headers: dev.bearer });
    expect((await me()).status).toBe(401);
    expect((await paved(['user', 'disable', '--email', 'dev@example.test'])).stderr).toContain(
      'already disabled',
    );
    expect(await paved(['user', 'enable', '--email', 'dev@example.test'])).toMatchObject({
      code: 0,
    });
    expect((await me()).status).toBe(200);
    const rows = await auditRows(handle().db);
    expect(rows.map((r) => [r.action, r.actor_id, JSON.parse(r.details)])).toEqual([
      ['user.disable', null, { via: 'cli' }],
      ['user.enable', null, { via: 'cli' }],
    ]);
    const unknown = await paved(['user', 'disable', '--email', 'nobody@example.test']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('There is no account for nobody@example.test');
  });

  it('prints a one-time reset link that expires in an hour', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const res = await paved(['user', 'reset-password', '--email', 'dev@example.test'], undefined, {
      PAVED_BASE_URL: 'https://paved.example.com/',
    });
    expect(res).toMatchObject({ code: 0 });
    const link = res.stdout.trim();
    expect(link).toMatch(/^https:\/\/paved\.example\.com\/reset\/[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain('expires in 1 hour');
    const value = link.split('/reset/')[1]!;
    expect(await peekLink(handle().db, value, 'reset')).toEqual({ userId: dev.user.id });
    const row = await handle()
      .db.selectFrom('one_time_links')
      .selectAll()
      .executeTakeFirstOrThrow();
    const minutes = (Date.parse(row.expires_at) - Date.parse(row.created_at)) / 60_000;
    expect(minutes).toBe(60);
    const audit = await auditRows(handle().db);
    expect(audit.map((r) => r.action)).toEqual(['link.create']);
    expect(JSON.stringify(audit)).not.toContain(value);

    const json = await paved(['user', 'reset-password', '--email', 'dev@example.test', '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      link: expect.stringMatching(/\/reset\//),
      expiresAt: expect.any(String),
    });
  });

  it('creates a token that works against the API, shown once', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const res = await paved([
      'token',
      'create',
      '--email',
      'dev@example.test',
      '--name',
      'ci',
      '--json',
    ]);
    expect(res).toMatchObject({ code: 0 });
    const created = JSON.parse(res.stdout) as { token: string; id: string; expiresAt: string };
    expect(created).toEqual({
      token: expect.stringMatching(/^pvd_/),
      id: expect.any(String),
      name: 'ci',
      expiresAt: expect.any(String),
    });
    expect(Math.round((Date.parse(created.expiresAt) - Date.now()) / 86_400_000)).toBe(90);
    const me = await testApp(handle()).request('/api/v1/me', {
      headers: { Authorization: `Bearer ${created.token}` },
    });
    expect(await me.json()).toMatchObject({ id: dev.user.id, email: 'dev@example.test' });

    const plain = await paved([
      'token',
      'create',
      '--email',
      'dev@example.test',
      '--expires',
      'never',
    ]);
    expect(plain.stdout).toMatch(/^pvd_\S+\n$/);
    expect(plain.stderr).toContain('never expires');

    const list = await paved(['token', 'list', '--email', 'dev@example.test', '--json']);
    const tokens = JSON.parse(list.stdout) as { id: string; name: string; expiresAt: null }[];
    expect(tokens.map((t) => t.name).sort()).toEqual(['ci', 'cli', 'test']);
    for (const value of [created.token, plain.stdout.trim(), dev.token]) {
      expect(list.stdout).not.toContain(value);
      expect(JSON.stringify(await auditRows(handle().db))).not.toContain(value);
    }
    const table = await paved(['token', 'list', '--email', 'dev@example.test']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+Name\s+Starts with\s+State\s+Expires/);
  });

  it('revokes a token, which then stops working', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const listed = await paved(['token', 'list', '--email', 'dev@example.test', '--json']);
    expect(listed).toMatchObject({ code: 0 });
    const [token] = JSON.parse(listed.stdout) as { id: string }[];
    const refused = await paved(['token', 'revoke', '--id', token!.id]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/^paved: Revoking token .* Add --force to go ahead\.\n$/);
    const res = await paved(['token', 'revoke', '--id', token!.id, '--force']);
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toContain('no longer works');
    const me = await testApp(handle()).request('/api/v1/me', { headers: dev.bearer });
    expect(me.status).toBe(401);
    expect((await paved(['token', 'revoke', '--id', token!.id])).stderr).toContain(
      'already revoked',
    );
    const unknown = await paved(['token', 'revoke', '--id', 'no-such-token']);
    expect(unknown).toMatchObject({ code: 1 });
    const audit = await auditRows(handle().db);
    expect(audit.map((r) => [r.action, r.actor_id, r.target_id])).toEqual([
      ['token.revoke', null, token!.id],
    ]);
  });

  it('refuses tokens for disabled or unknown accounts', async () => {
    await signIn(handle(), 'developer', 'dev@example.test');
    await paved(['user', 'disable', '--email', 'dev@example.test', '--force']);
    const disabled = await paved(['token', 'create', '--email', 'dev@example.test']);
    expect(disabled).toMatchObject({ code: 1 });
    expect(disabled.stderr).toContain('paved user enable --email dev@example.test');
    const unknown = await paved(['token', 'create', '--email', 'nobody@example.test']);
    expect(unknown).toMatchObject({ code: 1 });
    const tokens = await handle().db.selectFrom('api_tokens').selectAll().execute();
    expect(tokens).toHaveLength(1);
  });
});

describeEngines('paved login, whoami, logout', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let configHome: string;

  beforeEach(async () => {
    configHome = mkdtempSync(join(tmpdir(), 'paved-config-'));
    server = await startTestServer(handle());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(configHome, { recursive: true, force: true });
  });

  async function paved(args: string[], stdin?: Stdin, env: Record<string, string> = {}) {
    const io = { ...captureIo({ XDG_CONFIG_HOME: configHome, ...env }), stdin };
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const file = () => join(configHome, 'paved', 'config.json');

  it('signs in with a piped token, stores it privately, and whoami shows the user', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const url = server!.url;
    const login = await paved(
      ['login', '--url', `${url}/`, '--with-token'],
      piped(`${dev.token}\n`),
    );
    expect(login).toMatchObject({ code: 0, stdout: '' });
    expect(login.stderr).toBe(`Signed in to ${url} as Test developer (developer).\n`);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'paved')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ url, token: dev.token });

    const whoami = await paved(['whoami', '--json']);
    expect(whoami).toMatchObject({ code: 0 });
    expect(JSON.parse(whoami.stdout)).toEqual({
      id: dev.user.id,
      email: 'dev@example.test',
      name: 'Test developer',
      role: 'developer',
      team: null,
      via: 'token',
      url,
    });
    const human = await paved(['whoami']);
    expect(human.stdout).toContain('Test developer <dev@example.test>');
    expect(human.stdout).toContain(`server: ${url}`);
  });

  it('asks for the token on a terminal, pointing at the account page', async () => {
    const dev = await signIn(handle(), 'developer');
    const tty = terminal([dev.token]);
    expect((await paved(['login', '--url', server!.url], tty)).code).toBe(0);
    expect(tty.prompts).toEqual([`Create a token at ${server!.url}/account, then paste it here: `]);
    const noTerminal = await paved(['login', '--url', server!.url]);
    expect(noTerminal).toMatchObject({ code: 2 });
    expect(noTerminal.stderr).toContain('--with-token');
    // --no-input before or after the command: nothing is asked even on a terminal.
    for (const args of [
      ['login', '--url', server!.url, '--no-input'],
      ['--no-input', 'login', '--url', server!.url],
    ]) {
      const quiet = terminal([dev.token]);
      expect(await paved(args, quiet)).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'paved: No token given and --no-input is set: pipe it in with --with-token (the first line is read).\n',
      });
      expect(quiet.prompts).toEqual([]);
    }
  });

  it('lets PAVED_URL and PAVED_TOKEN take precedence over the stored login', async () => {
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    const lead = await signIn(handle(), 'leader', 'lead@example.test');
    await paved(['login', '--url', server!.url, '--with-token'], piped(dev.token));
    const res = await paved(['whoami', '--json'], undefined, {
      PAVED_URL: server!.url,
      PAVED_TOKEN: lead.token,
    });
    expect(JSON.parse(res.stdout)).toMatchObject({ email: 'lead@example.test', role: 'leader' });
    // Without a stored login, the environment alone is enough (CI pipelines).
    rmSync(file());
    const ci = await paved(['whoami', '--json'], undefined, {
      PAVED_URL: server!.url,
      PAVED_TOKEN: lead.token,
    });
    expect(JSON.parse(ci.stdout)).toMatchObject({ email: 'lead@example.test' });
  });

  it('logs out by forgetting the token, which stays valid', async () => {
    const dev = await signIn(handle(), 'developer');
    await paved(['login', '--url', server!.url, '--with-token'], piped(dev.token));
    const logout = await paved(['logout']);
    expect(logout).toMatchObject({ code: 0 });
    expect(logout.stderr).toContain(`stays valid until you revoke it at ${server!.url}/account`);
    expect(existsSync(file())).toBe(false);
    const whoami = await paved(['whoami']);
    expect(whoami).toMatchObject({ code: 1 });
    expect(whoami.stderr).toContain('Run paved login --url');
    const me = await testApp(handle()).request('/api/v1/me', { headers: dev.bearer });
    expect(me.status).toBe(200);
    expect((await paved(['logout'])).stderr).toContain('You were not signed in');
  });

  it('refuses a bad token without storing anything', async () => {
    const res = await paved(['login', '--url', server!.url, '--with-token'], piped('pvd_nope'));
    expect(res).toMatchObject({ code: 1 });
    expect(res.stderr).toContain('Run paved login again, or check PAVED_TOKEN');
    expect(existsSync(file())).toBe(false);
    const empty = await paved(['login', '--url', server!.url, '--with-token'], piped('\n'));
    expect(empty).toMatchObject({ code: 1 });
    const badUrl = await paved(['login', '--url', 'paved.example.com', '--with-token'], piped('x'));
    expect(badUrl).toMatchObject({ code: 2 });
  });

  it('says paved cannot be reached when the server has stopped', async () => {
    const dev = await signIn(handle(), 'developer');
    await paved(['login', '--url', server!.url, '--with-token'], piped(dev.token));
    const url = server!.url;
    await server!.close();
    server = undefined;
    const res = await paved(['whoami']);
    expect(res).toMatchObject({ code: 1 });
    expect(res.stderr).toBe(
      `paved: Cannot reach paved at ${url}: is it running? Check PAVED_URL or paved login.\n`,
    );
  });
});
