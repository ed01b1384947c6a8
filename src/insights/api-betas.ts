import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The betas routes under /api/v1. */
export function registerBetasApi(_api: OpenAPIHono<AppEnv>, _deps: Deps): void {}
