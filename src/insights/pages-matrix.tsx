import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The matrix pages. */
export function registerMatrixPages(_web: Hono<AppEnv>, _deps: Deps): void {}
