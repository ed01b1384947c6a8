// Delivery after commit: the background job and the kick that follows a
// commit both run `deliverDue`; claims make running it twice harmless.

import type { DbHandle } from '../core/db/index.ts';
import type { Logger } from '../core/log.ts';
import type { Mailer } from '../core/mail.ts';
import { deliverEmails, type EmailDeliveryResult } from './email.ts';
import { registerDeliveryRunner } from './outbox.ts';
import { deliverWebhooks, type WebhookDeliveryResult } from './webhook-delivery.ts';
import { type Ctx, type DeliveryLogEntry, deliveryLog, queueTestDelivery } from './webhooks.ts';

export interface DeliveryDeps {
  handle: Pick<DbHandle, 'db' | 'engine'>;
  mailer: Mailer | null;
  secret: { decrypt(purpose: string, sealed: string): string };
  config: { baseUrl: string };
  log: Logger;
}

/** Sends every due email and webhook delivery once. */
export async function deliverDue(
  deps: DeliveryDeps,
  now = new Date(),
): Promise<{ emails: EmailDeliveryResult; webhooks: WebhookDeliveryResult }> {
  const emails = await deliverEmails(
    { handle: deps.handle, mailer: deps.mailer, baseUrl: deps.config.baseUrl, log: deps.log },
    now,
  );
  const webhooks = await deliverWebhooks(
    { handle: deps.handle, secret: deps.secret, baseUrl: deps.config.baseUrl, log: deps.log },
    now,
  );
  return { emails, webhooks };
}

/**
 * Lets services start delivery right after their commit (kickDelivery), one
 * run at a time: a kick during a run asks for one more run after it.
 */
export function enableDeliveryKicks(deps: DeliveryDeps): void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await deliverDue(deps);
      } while (again);
    } catch (error) {
      // The background job tries again on its next turn; nothing is lost.
      deps.log.warn({ err: error }, 'notification delivery after commit failed');
    } finally {
      running = false;
    }
  };
  registerDeliveryRunner(deps.handle.db, () => {
    void run();
  });
}

/** Sends a test event to one webhook now and returns its delivery log entry (with the response code). */
export async function sendTestWebhook(
  deps: DeliveryDeps,
  ctx: Ctx,
  webhookId: string,
): Promise<DeliveryLogEntry> {
  const deliveryId = await queueTestDelivery(deps.handle.db, ctx, webhookId);
  await deliverWebhooks(
    { handle: deps.handle, secret: deps.secret, baseUrl: deps.config.baseUrl, log: deps.log },
    new Date(),
    { ids: [deliveryId] },
  );
  const page = await deliveryLog(deps.handle.db, ctx.actor, webhookId, { limit: 20 });
  return page.items.find((d) => d.id === deliveryId)!;
}
