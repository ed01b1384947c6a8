import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Conflict, Unauthorized } from '../core/errors.ts';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { forgetPerson } from './forget.ts';

const ForgottenSchema = z
  .object({
    reference: z.string().openapi({
      description:
        'The keyed one-way reference to the email that the audit log keeps (HMAC with the server secret)',
    }),
    people: z.number().int().openapi({ description: 'Person records renamed' }),
    account: z.boolean().openapi({ description: 'Whether an account was deleted' }),
    feedbackReattributed: z.number().int(),
    namesReplaced: z.number().int(),
    votesRemoved: z.number().int(),
    subscriptionsRemoved: z.number().int(),
  })
  .openapi('Forgotten');

/** `POST /api/v1/people/{id}/forget`: the operator command, for admins over HTTP. */
export function registerOperationsApi(api: OpenAPIHono<AppEnv>, { handle, secret }: Deps): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/people/{id}/forget',
      tags: ['Organisation'],
      middleware: [policy('users.manage')] as const,
      summary: 'Forget a person: their name, email and account go; figures and team history stay',
      description:
        'Renames the person "a former member of <team>" and removes their email, entity ref, level and location; deletes the account with the same email (sessions, tokens, votes, subscriptions, inbox); re-attributes what they wrote by name; audits it without the email. It cannot be undone.',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: {
        200: json(ForgottenSchema, 'What was forgotten'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      if (!actor) throw new Unauthorized('Sign in to continue.');
      const { id } = c.req.valid('param');
      if (actor.personId === id) {
        throw new Conflict('You cannot forget yourself here; ask another admin.');
      }
      const summary = await forgetPerson(handle.db, {
        who: { personId: id },
        secret,
        actor: { userId: actor.userId, email: actor.email },
        ip: c.get('clientIp'),
        via: 'api',
      });
      return c.json(summary, 200);
    },
  );
}
