import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerBoardPage } from './pages-board.tsx';
import { registerInboxPages } from './pages-inbox.tsx';
import { registerItemPage } from './pages-item.tsx';
import { registerItemActions } from './pages-item-actions.tsx';
import { registerNewItemPages } from './pages-new.tsx';
import { registerQueuePages } from './pages-queues.tsx';
import { registerWebhookPage } from './pages-webhook.tsx';
import { registerWebhookPages } from './pages-webhooks.tsx';

/**
 * The feedback area's pages: the board, giving feedback, the triage and
 * overdue queues, an item with its actions, the inbox and the webhook
 * settings. Fixed paths (`/feedback/new`, `/feedback/triage`) come before `:id`.
 */
export function registerFeedbackPages(web: Hono<AppEnv>, deps: Deps): void {
  registerBoardPage(web, deps);
  registerNewItemPages(web, deps);
  registerQueuePages(web, deps);
  registerItemPage(web, deps);
  registerItemActions(web, deps);
  registerInboxPages(web, deps);
  registerWebhookPages(web, deps);
  registerWebhookPage(web, deps);
}
