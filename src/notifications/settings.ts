import { z } from 'zod';
import { defineSetting } from '../core/settings.ts';

/** The hour (UTC) the daily email digest goes out. */
export const digestHourUtc = defineSetting({
  key: 'notifications.digest_hour_utc',
  label: 'Hour of the daily email digest (UTC)',
  hint: 'People on the daily digest get one email a day at this hour with everything since the last one. 8 is the default.',
  schema: z.number().int().min(0).max(23),
  defaultValue: 8,
});

/**
 * Hosts and networks webhooks may reach although they are private, loopback
 * or link-local (an internal chat server, a test receiver).
 */
export const webhookAllowList = defineSetting({
  key: 'webhooks.allow_list',
  label: 'Private addresses webhooks may reach',
  hint: 'Webhook URLs that point to private, loopback, link-local or metadata addresses are refused unless listed here: host names (chat.internal) or addresses and networks (10.1.2.3, 10.20.0.0/16). Empty by default.',
  schema: z.array(z.string().trim().min(1).max(255)).max(100),
  defaultValue: [],
});
