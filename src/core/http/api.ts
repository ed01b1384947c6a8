import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';
import { fieldErrors, problem } from './problem.ts';

/** A JSON API router whose invalid requests answer problem+json naming each field. */
export function createApiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = fieldErrors(result.error);
        return problem(c, {
          title: 'Invalid input',
          status: 400,
          detail: `The request has ${errors.length} invalid ${errors.length === 1 ? 'field' : 'fields'}: ${errors.map((e) => e.path).join(', ')}.`,
          errors,
        });
      }
    },
  });
}

/** `?limit=&cursor=` for every list. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: 'Items per page (1–500).' }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ description: 'The nextCursor of the previous page.' }),
});

/** `{ items, nextCursor }` around an item schema. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** The standard error responses, for route definitions. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid input',
    401: 'Sign-in required',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
  };
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: descriptions[s] ?? 'Error',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );
}

/** JSON content for a response or request body. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
