import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerBetasApi } from './api-betas.ts';
import { registerMatrixApi } from './api-matrix.ts';
import { registerReportApi } from './api-report.ts';

/** The insights routes: the matrix, beta programs and the quarterly report. */
export function registerInsightsApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  registerMatrixApi(api, deps);
  registerBetasApi(api, deps);
  registerReportApi(api, deps);
}
