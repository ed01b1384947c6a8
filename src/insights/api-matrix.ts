import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** The matrix routes under /api/v1. */
export function registerMatrixApi(_api: OpenAPIHono<AppEnv>, _deps: Deps): void {}
