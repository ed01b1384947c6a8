import type { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import { tooMany } from '../core/http/csrf.tsx';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { hit, LIMITS } from '../core/ratelimit.ts';
import { DateText } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { accountPage } from './pages-account.tsx';
import { auditActorOf, OneTimeSecret, readForm, validateForm } from './pages-shared.tsx';
import { createToken, getToken, revokeToken } from './store.ts';

/** The expiry choices of the account page's form, in days; null never expires. */
const EXPIRY_DAYS = { '30': 30, '90': 90, '365': 365, never: null } as const;

const TokenForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name for the token, such as "laptop" or "deploy pipeline"')
    .max(100, 'Name must be at most 100 characters'),
  expires: z.enum(['30', '90', '365', 'never'], 'Choose when the token expires'),
});

/** Creating a token (shown once) and revoking one, from the account page. */
export function registerTokenPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.post('/account/tokens', policy('account.manage'), async (c) => {
    const actor = c.get('actor')!;
    const limited = await hit(db, LIMITS.tokenCreate, actor.userId);
    if (!limited.allowed) return tooMany(c, limited.retryAfter);
    const values = await readForm(c);
    const form = validateForm(TokenForm, values);
    if (!form.data) {
      const tokenValues = { name: values.name, expires: values.expires };
      return accountPage(c, deps, { tokenErrors: form.errors, tokenValues }, 400);
    }
    const { name, expires } = form.data;
    const days = EXPIRY_DAYS[expires];
    const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000).toISOString();
    const { token, value } = await db.transaction().execute(async (trx) => {
      const created = await createToken(trx, { userId: actor.userId, name, expiresAt });
      await recordAudit(trx, {
        actor: auditActorOf(actor),
        action: 'token.create',
        target: { type: 'token', id: created.token.id },
        ip: c.get('clientIp'),
        details: { name, expires: expiresAt ?? 'never' },
      });
      return created;
    });
    const base = deps.config.baseUrl;
    return renderPage(
      c,
      { title: 'Your new API token', status: 201 },
      <>
        <h1>Your new API token</h1>
        <p class="lead" role="status">
          Token “{token.name}” is ready
          {token.expiresAt ? (
            <>
              {' '}
              and expires on <DateText iso={token.expiresAt} />
            </>
          ) : null}
          . Store it somewhere safe, such as a password manager or your CI’s secret store.
        </p>
        <OneTimeSecret label={`The token “${token.name}”:`} value={value} />
        <h2>How to use it</h2>
        <p>On your computer, sign the command line in and paste the token when asked:</p>
        <pre>
          <code>{`paved login --url ${base} --with-token`}</code>
        </pre>
        <p>
          In a CI pipeline, set two variables instead; they take precedence over a stored login:
        </p>
        <pre>
          <code>{`PAVED_URL=${base}\nPAVED_TOKEN=<the token>`}</code>
        </pre>
        <p>
          <a href="/account">Back to your account</a>
        </p>
      </>,
    );
  });

  web.post('/account/tokens/:id/revoke', policy('account.manage'), async (c) => {
    const actor = c.get('actor')!;
    const token = await getToken(db, c.req.param('id'));
    // Someone else's token is answered exactly like a missing one.
    if (!token || !can(actor, 'account.token.revoke.own', { ownerId: token.userId })) {
      throw new NotFound('There is no such token among yours.');
    }
    if (!token.revokedAt) {
      await db.transaction().execute(async (trx) => {
        await revokeToken(trx, token.id);
        await recordAudit(trx, {
          actor: auditActorOf(actor),
          action: 'token.revoke',
          target: { type: 'token', id: token.id },
          ip: c.get('clientIp'),
          details: { name: token.name },
        });
      });
    }
    return c.redirect(`/account?notice=revoked&token=${encodeURIComponent(token.id)}`, 303);
  });
}
