import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The betas pages. */
export function registerBetasPages(_web: Hono<AppEnv>, _deps: Deps): void {}
