import type { Command } from 'commander';
import { recordAudit } from '../core/audit.ts';
import {
  bold,
  CliError,
  confirmOrForce,
  EXIT,
  formatTable,
  type Io,
  noPromptReason,
  withDatabase,
  withJson,
} from '../core/cli.ts';
import { apiClient, type Login, normalizeUrl, removeLogin, saveLogin } from '../core/client.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict } from '../core/errors.ts';
import { presentToken, presentUser } from './api.ts';
import { EmailSchema, parseDuration, ROLE_NAMES, type RoleName, type User } from './model.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import {
  createLink,
  createToken,
  createUser,
  getToken,
  getUserByEmail,
  listTokens,
  listUsers,
  revokeToken,
  setDisabled,
} from './store.ts';

/** Operator commands act on the server's own database: the audit log names no person. */
const OPERATOR = { actor: null, ip: null } as const;
const VIA_CLI = { via: 'cli' } as const;

const RESET_LINK_HOURS = 1;
const MAX_TOKEN_DAYS = 3650;

/** Operator `paved user …` and `paved token …`; user `paved login|logout|whoami`. */
export function registerIdentityCli(program: Command, io: Io): void {
  registerUserCommands(program, io);
  registerTokenCommands(program, io);
  registerLoginCommands(program, io);
}

// ---- Shared helpers ----

function parseEmail(text: string): string {
  const parsed = EmailSchema.safeParse(text);
  if (!parsed.success) {
    throw new CliError(
      `--email ${text}: enter an email address like name@example.com.`,
      EXIT.usage,
    );
  }
  return parsed.data;
}

async function userByEmail(db: Db, email: string): Promise<User> {
  const user = await getUserByEmail(db, email);
  if (!user) throw new CliError(`There is no account for ${email}. See paved user list.`);
  return user;
}

/** The first line piped in, without its line ending. */
async function firstLine(io: Io): Promise<string> {
  const text = (await io.stdin?.read()) ?? '';
  return text.split(/\r?\n/)[0] ?? '';
}

/** A secret from standard input (with the flag) or a hidden prompt on a terminal; never a flag value. */
async function readSecret(
  io: Io,
  opts: { piped: boolean; flag: string; what: string; question: string },
): Promise<string> {
  if (opts.piped) return firstLine(io);
  if (io.stdin?.isTty && !io.noInput) return io.stdin.readHidden(opts.question);
  throw new CliError(
    `No ${opts.what} given and ${noPromptReason(io)}: pipe it in with ${opts.flag} (the first line is read).`,
    EXIT.usage,
  );
}

function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

// ---- paved user ----

function registerUserCommands(program: Command, io: Io): void {
  const user = program
    .command('user')
    .description('manage accounts in the local database (operators)');

  user
    .command('add')
    .description('add an account with a password (asked for, or read with --password-stdin)')
    .requiredOption('--email <email>', 'the email they sign in with')
    .requiredOption('--name <name>', 'their name, as paved shows it')
    .requiredOption('--role <role>', `one of ${ROLE_NAMES.join(', ')}`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--no-input', 'never ask; fail at once (exit 2) naming --password-stdin')
    .action(
      async (opts: { email: string; name: string; role: string; passwordStdin?: boolean }) => {
        const email = parseEmail(opts.email);
        const name = opts.name.trim();
        if (!name) throw new CliError('--name must not be empty.', EXIT.usage);
        if (!(ROLE_NAMES as readonly string[]).includes(opts.role)) {
          throw new CliError(`--role must be one of ${ROLE_NAMES.join(', ')}.`, EXIT.usage);
        }
        const role = opts.role as RoleName;
        const password = await readSecret(io, {
          piped: Boolean(opts.passwordStdin),
          flag: '--password-stdin',
          what: 'password',
          question: `Password for ${email} (12 to 128 characters): `,
        });
        const problem = passwordProblem(password, { email });
        if (problem) throw new CliError(`${problem} Nothing was added.`);
        if (!opts.passwordStdin) {
          const again = await io.stdin!.readHidden('The same password again: ');
          if (again !== password) throw new CliError('The passwords differ. Nothing was added.');
        }
        const passwordHash = await hashPassword(password);
        await withDatabase(io, (handle) =>
          handle.db.transaction().execute(async (trx) => {
            const created = await createUser(trx, { email, name, role, passwordHash });
            await recordAudit(trx, {
              ...OPERATOR,
              action: 'user.create',
              target: { type: 'user', id: created.id },
              details: { ...VIA_CLI, role },
            });
          }),
        ).catch((error: unknown) => {
          if (error instanceof Conflict) {
            throw new CliError(
              `There is already an account for ${email}. To give them a new password, run paved user reset-password --email ${email}.`,
            );
          }
          throw error;
        });
        io.err(`Added ${email} (${role}). They can sign in now.`);
      },
    );

  withJson(user.command('list').description('list every account')).action(
    async (opts: { json?: boolean }) => {
      const users = await withDatabase(io, async (handle) => {
        const all: User[] = [];
        let cursor: string | undefined;
        do {
          const page = await listUsers(handle.db, { limit: 500, cursor });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return all;
      });
      if (opts.json) return printJson(io, users.map(presentUser));
      if (users.length === 0) {
        io.err('No accounts yet. Add the first admin with paved user add --role admin.');
        return;
      }
      io.out(
        formatTable(
          ['Email', 'Name', 'Role', 'Status', 'Added'],
          users.map((u) => [
            u.email,
            u.name,
            u.role,
            u.disabledAt ? 'disabled' : u.hasPassword ? 'active' : 'no password yet',
            u.createdAt.slice(0, 10),
          ]),
        ),
      );
    },
  );

  for (const disable of [true, false]) {
    const command = user
      .command(disable ? 'disable' : 'enable')
      .description(
        disable
          ? 'disable an account: its sessions end and its tokens stop working'
          : 'enable a disabled account again',
      )
      .requiredOption('--email <email>', 'the account’s email');
    if (disable) {
      command.option('--force', 'disable without asking (needed when input is not a terminal)');
    }
    command.action(async (opts: { email: string; force?: boolean }) => {
      const email = parseEmail(opts.email);
      if (disable) {
        const found = await withDatabase(io, (handle) => getUserByEmail(handle.db, email));
        if (found && found.disabledAt === null) {
          await confirmOrForce(
            io,
            opts.force,
            `Disabling ${email} ends their sessions and stops their tokens at once.`,
            `Type yes to disable ${email}: `,
          );
        }
      }
      const changed = await withDatabase(io, (handle) =>
        handle.db.transaction().execute(async (trx) => {
          const found = await userByEmail(trx, email);
          if ((found.disabledAt !== null) === disable) return false;
          await setDisabled(trx, found.id, disable);
          await recordAudit(trx, {
            ...OPERATOR,
            action: disable ? 'user.disable' : 'user.enable',
            target: { type: 'user', id: found.id },
            details: VIA_CLI,
          });
          return true;
        }),
      );
      const state = disable ? 'disabled' : 'enabled';
      if (!changed) io.err(`${email} was already ${state}; nothing changed.`);
      else if (disable)
        io.err(`Disabled ${email}: their sessions ended and their tokens stop working.`);
      else io.err(`Enabled ${email}: they can sign in again.`);
    });
  }

  withJson(
    user
      .command('reset-password')
      .description(
        `print a one-time link to set a new password (expires in ${RESET_LINK_HOURS} hour)`,
      )
      .requiredOption('--email <email>', 'the account’s email'),
  ).action(async (opts: { email: string; json?: boolean }) => {
    const email = parseEmail(opts.email);
    const { link, expiresAt } = await withDatabase(io, (handle, config) =>
      handle.db.transaction().execute(async (trx) => {
        const found = await userByEmail(trx, email);
        const value = await createLink(trx, 'reset', found.id, RESET_LINK_HOURS);
        await recordAudit(trx, {
          ...OPERATOR,
          action: 'link.create',
          target: { type: 'user', id: found.id },
          details: { ...VIA_CLI, purpose: 'reset', hours: RESET_LINK_HOURS },
        });
        return {
          link: `${config.baseUrl}/reset/${value}`,
          expiresAt: new Date(Date.now() + RESET_LINK_HOURS * 3600_000).toISOString(),
        };
      }),
    );
    if (opts.json) return printJson(io, { link, expiresAt });
    io.out(link);
    io.err(
      `Send this one-time link to ${email} privately; it expires in ${RESET_LINK_HOURS} hour and works once.`,
    );
  });
}

// ---- paved token ----

/** `90d`, `12h`, `2w`, or `never` → an expiry time, or null for never. */
function expiryFrom(text: string, now = Date.now()): string | null {
  if (text.trim() === 'never') return null;
  const ms = parseDuration(text);
  if (ms === null || ms > MAX_TOKEN_DAYS * 86_400_000) {
    throw new CliError(
      `--expires ${text}: give a duration like 90d, 12h or 2w (at most ${MAX_TOKEN_DAYS} days), or never.`,
      EXIT.usage,
    );
  }
  return new Date(now + ms).toISOString();
}

function registerTokenCommands(program: Command, io: Io): void {
  const token = program
    .command('token')
    .description(
      'manage API tokens in the local database (operators; people use their account page)',
    );

  withJson(
    token
      .command('create')
      .description('create an API token for an account and print it once')
      .requiredOption('--email <email>', 'the account it acts as')
      .option('--name <name>', 'what it is for, to recognise it later', 'cli')
      .option('--expires <duration>', 'lifetime such as 90d, 12h, 2w, or never', '90d'),
  ).action(async (opts: { email: string; name: string; expires: string; json?: boolean }) => {
    const email = parseEmail(opts.email);
    const name = opts.name.trim();
    if (!name || name.length > 100) {
      throw new CliError('--name must be 1 to 100 characters.', EXIT.usage);
    }
    const expiresAt = expiryFrom(opts.expires);
    const { id, value } = await withDatabase(io, (handle) =>
      handle.db.transaction().execute(async (trx) => {
        const owner = await userByEmail(trx, email);
        if (owner.disabledAt) {
          throw new CliError(
            `${email} is disabled, so a token would not work. Run paved user enable --email ${email} first.`,
          );
        }
        const created = await createToken(trx, { userId: owner.id, name, expiresAt });
        await recordAudit(trx, {
          ...OPERATOR,
          action: 'token.create',
          target: { type: 'token', id: created.token.id },
          details: { ...VIA_CLI, name, expiresAt, ownerId: owner.id },
        });
        return { id: created.token.id, value: created.value };
      }),
    );
    if (opts.json) return printJson(io, { token: value, id, name, expiresAt });
    io.out(value);
    io.err(
      `Created token "${name}" for ${email} (${expiresAt ? `expires ${expiresAt.slice(0, 10)}` : 'never expires'}). It is shown only this once: store it now.`,
    );
  });

  withJson(
    token
      .command('list')
      .description('list an account’s tokens (never their values)')
      .requiredOption('--email <email>', 'the account'),
  ).action(async (opts: { email: string; json?: boolean }) => {
    const email = parseEmail(opts.email);
    const tokens = await withDatabase(io, async (handle) =>
      listTokens(handle.db, (await userByEmail(handle.db, email)).id),
    );
    const now = new Date();
    const items = tokens.map((t) => presentToken(t, now));
    if (opts.json) return printJson(io, items);
    if (items.length === 0) {
      io.err(`${email} has no tokens. Create one with paved token create --email ${email}.`);
      return;
    }
    io.out(
      formatTable(
        ['ID', 'Name', 'Starts with', 'State', 'Expires', 'Last used'],
        items.map((t) => [
          t.id,
          t.name,
          t.prefix,
          t.state,
          t.expiresAt?.slice(0, 10) ?? 'never',
          t.lastUsedOn ?? 'never',
        ]),
      ),
    );
  });

  token
    .command('revoke')
    .description('revoke a token so it stops working at once')
    .requiredOption('--id <id>', 'the token’s id, from paved token list')
    .option('--force', 'revoke without asking (needed when input is not a terminal)')
    .action(async (opts: { id: string; force?: boolean }) => {
      const current = await withDatabase(io, (handle) => getToken(handle.db, opts.id));
      if (current && !current.revokedAt) {
        await confirmOrForce(
          io,
          opts.force,
          `Revoking token ${opts.id} (${current.name}) stops it working at once; whatever uses it fails.`,
          `Type yes to revoke ${opts.id}: `,
        );
      }
      const revoked = await withDatabase(io, (handle) =>
        handle.db.transaction().execute(async (trx) => {
          const found = await getToken(trx, opts.id);
          if (!found) {
            throw new CliError(
              `There is no token with id ${opts.id}. See paved token list --email ….`,
            );
          }
          if (found.revokedAt) return false;
          await revokeToken(trx, found.id);
          await recordAudit(trx, {
            ...OPERATOR,
            action: 'token.revoke',
            target: { type: 'token', id: found.id },
            details: { ...VIA_CLI, ownerId: found.userId, name: found.name },
          });
          return true;
        }),
      );
      io.err(
        revoked
          ? `Revoked token ${opts.id}: it no longer works.`
          : `Token ${opts.id} was already revoked; nothing changed.`,
      );
    });
}

// ---- paved login, logout, whoami ----

interface Me {
  id: string;
  email: string;
  name: string;
  role: string;
  team: string | null;
  via: string;
}

function registerLoginCommands(program: Command, io: Io): void {
  program
    .command('login')
    .description('sign the CLI in to a paved server with an API token from your account page')
    .requiredOption('--url <url>', 'your paved address, such as https://paved.example.com')
    .option('--with-token', 'read the token from the first line of standard input')
    .option('--no-input', 'never ask; fail at once (exit 2) naming --with-token')
    .action(async (opts: { url: string; withToken?: boolean }) => {
      const url = normalizeUrl(opts.url);
      if (!url) {
        throw new CliError(
          `--url ${opts.url}: give your paved address, such as https://paved.example.com.`,
          EXIT.usage,
        );
      }
      const token = (
        await readSecret(io, {
          piped: Boolean(opts.withToken),
          flag: '--with-token',
          what: 'token',
          question: `Create a token at ${url}/account, then paste it here: `,
        })
      ).trim();
      if (!token) throw new CliError('No token was given; you are not signed in.');
      if (url.startsWith('http:') && !isLoopback(url)) {
        io.err(`Warning: ${url} is not https, so your token crosses the network unencrypted.`);
      }
      const login: Login = { url, token };
      const me = await apiClient(io, login).get<Me>('/me');
      saveLogin(io.env, login);
      io.err(`Signed in to ${url} as ${me.name} (${me.role}).`);
    });

  program
    .command('logout')
    .description('forget the stored login (the token stays valid until revoked)')
    .action(() => {
      const login = removeLogin(io.env);
      if (!login) {
        io.err('You were not signed in; nothing to forget.');
      } else {
        io.err(
          `Signed out of ${login.url}. The token stays valid until you revoke it at ${login.url}/account.`,
        );
      }
      if (io.env.PAVED_TOKEN) io.err('PAVED_TOKEN is still set in your environment.');
    });

  withJson(
    program.command('whoami').description('show who the CLI is signed in as, and where'),
  ).action(async (opts: { json?: boolean }) => {
    const client = apiClient(io);
    const me = await client.get<Me>('/me');
    if (opts.json) return printJson(io, { ...me, url: client.url });
    io.out(
      [
        `${bold(io, me.name)} <${me.email}>`,
        `role:   ${me.role}`,
        `team:   ${me.team ?? 'none'}`,
        `server: ${client.url}`,
      ].join('\n'),
    );
  });
}

function isLoopback(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}
