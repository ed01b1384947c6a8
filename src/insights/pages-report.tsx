import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The report pages. */
export function registerReportPages(_web: Hono<AppEnv>, _deps: Deps): void {}
