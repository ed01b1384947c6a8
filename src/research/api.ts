import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Deps } from '../core/http/env.ts';

/** Research notes, friction points and office hours under /api/v1. */
export function registerResearchApi(_api: OpenAPIHono<AppEnv>, _deps: Deps): void {}
