import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The identity area's pages: sign-in, account, users, audit log, setup and reset links. */
export function registerIdentityPages(web: Hono<AppEnv>, deps: Deps): void {
  void web;
  void deps;
}
