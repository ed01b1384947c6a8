import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerAccountPages } from './pages-account.tsx';
import { registerAuditPages } from './pages-audit.tsx';
import { registerLinkPages } from './pages-links.tsx';
import { registerSignInPages } from './pages-signin.tsx';
import { registerTokenPages } from './pages-tokens.tsx';
import { registerUserActionPages } from './pages-user-actions.tsx';
import { registerUserPages } from './pages-users.tsx';

/**
 * The identity area's pages: sign-in and sign-out (pages-signin); the
 * person's own account and tokens (pages-account, pages-tokens); users and
 * the audit log for admins (pages-users, pages-user-actions, pages-audit);
 * the one-time setup and reset links (pages-links).
 */
export function registerIdentityPages(web: Hono<AppEnv>, deps: Deps): void {
  registerSignInPages(web, deps);
  registerAccountPages(web, deps);
  registerTokenPages(web, deps);
  registerUserPages(web, deps);
  registerUserActionPages(web, deps);
  registerAuditPages(web, deps);
  registerLinkPages(web, deps);
}
