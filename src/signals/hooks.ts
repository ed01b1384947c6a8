import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { POLICY } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { problem } from '../core/http/problem.ts';
import { NUL_MESSAGE, nulPath } from '../core/nul.ts';
import { authorize } from '../core/policy.ts';
import { signatureMatches } from './github.ts';
import { WEBHOOK_MAX_BYTES } from './model.ts';
import { receiveDelivery, webhookSecrets } from './service-github.ts';

const tooLarge = (c: Context) =>
  problem(c, {
    title: 'Payload too large',
    status: 413,
    detail: `A webhook delivery may be at most ${WEBHOOK_MAX_BYTES / 1024 / 1024} MB.`,
  });

/**
 * The webhook's policy check: a delivery signed with a current or previous
 * secret passes; anything else is refused before its body is parsed (401,
 * or 403 for a signed-in person, whom `hooks.github` never admits).
 */
function signedByGithub(deps: Deps): MiddlewareHandler<AppEnv> {
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const secrets = await webhookSecrets(
      deps.handle.db,
      deps.secret,
      deps.config.githubWebhookSecrets,
    );
    if (signatureMatches(raw, c.req.header('x-hub-signature-256'), secrets)) return next();
    if (c.get('actor')) authorize(c.get('actor'), 'hooks.github');
    return problem(c, {
      title: 'Signature required',
      status: 401,
      detail:
        secrets.length === 0
          ? 'No GitHub webhook secret is set: set PAVED_GITHUB_WEBHOOK_SECRET or set one on the ingestion page.'
          : 'X-Hub-Signature-256 is missing or does not match the webhook secret.',
    });
  };
  return Object.assign(check, { [POLICY]: 'hooks.github' as const });
}

/** The JSON payload of a delivery: a JSON body, or the `payload` field of a form-encoded one. */
function payloadOf(c: Context, raw: string): unknown {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = type.startsWith('application/x-www-form-urlencoded')
    ? (new URLSearchParams(raw).get('payload') ?? '')
    : raw;
  return JSON.parse(text) as unknown;
}

/** POST /hooks/github: signed deliveries become deploys and pull requests. */
export function registerGithubWebhook(web: Hono<AppEnv>, deps: Deps): void {
  web.post(
    '/hooks/github',
    bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: tooLarge }),
    signedByGithub(deps),
    async (c) => {
      const deliveryId = c.req.header('x-github-delivery')?.trim();
      const event = c.req.header('x-github-event')?.trim();
      const errors = [
        ['X-GitHub-Delivery', deliveryId],
        ['X-GitHub-Event', event],
      ]
        .filter(([, value]) => !value || value.length > 100)
        .map(([path, value]) => ({
          path: path!,
          message: value
            ? `${path} may be at most 100 characters.`
            : `A delivery needs an ${path} header.`,
        }));
      if (errors.length > 0 || !deliveryId || !event) {
        return problem(c, {
          title: 'Invalid input',
          status: 400,
          detail: 'A delivery needs X-GitHub-Delivery and X-GitHub-Event headers.',
          errors,
        });
      }
      let payload: unknown;
      try {
        payload = payloadOf(c, await c.req.text());
      } catch {
        const detail = 'The delivery body is not JSON.';
        return problem(c, {
          title: 'Invalid input',
          status: 400,
          detail,
          errors: [{ path: '(body)', message: detail }],
        });
      }
      const nul = nulPath(payload);
      if (nul) {
        return problem(c, {
          title: 'Invalid input',
          status: 400,
          detail: NUL_MESSAGE,
          errors: [{ path: nul, message: NUL_MESSAGE }],
        });
      }
      const outcome = await receiveDelivery(deps.handle.db, { deliveryId, event, payload });
      return c.json({ delivery: deliveryId, ...outcome }, 200);
    },
  );
}
