import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { FieldError } from '../errors.ts';

/** An RFC 9457 problem document, with paved's `errors` member for invalid fields. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const TYPE_BASE = 'https://paved.dev/problems/';

/** Answers with `application/problem+json`. */
export function problem(c: Context, p: Omit<Problem, 'type'> & { type?: string }): Response {
  const body: Problem = { type: p.type ?? `${TYPE_BASE}${slugOf(p.title)}`, ...p };
  return c.body(JSON.stringify(body), p.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
  });
}

function slugOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** Field errors from a zod error, with dotted paths (`items.0.email`). */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}
