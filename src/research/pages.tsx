import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** Research notes, the synthesis and office hours pages. */
export function registerResearchPages(_web: Hono<AppEnv>, _deps: Deps): void {}
