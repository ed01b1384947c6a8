import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerBetasPages } from './pages-betas.tsx';
import { registerMatrixPages } from './pages-matrix.tsx';
import { registerReportPages } from './pages-report.tsx';

/** The insights pages: the matrix, beta programs and the quarterly report. */
export function registerInsightsPages(web: Hono<AppEnv>, deps: Deps): void {
  registerMatrixPages(web, deps);
  registerBetasPages(web, deps);
  registerReportPages(web, deps);
}
