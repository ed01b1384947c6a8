import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The identity area's JSON routes: me, users, tokens, audit log. */
export function registerIdentityApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  void api;
  void deps;
}
