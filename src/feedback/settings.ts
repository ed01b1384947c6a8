import { z } from 'zod';
import { defineSetting } from '../core/settings.ts';

/** How long the platform team has to acknowledge a new item (shared/METRICS.md "Responsiveness"). */
export const ackSlaDays = defineSetting({
  key: 'feedback.ack_sla_days',
  label: 'Days to acknowledge new feedback',
  hint: 'New feedback not acknowledged within this many days is overdue: it joins the overdue queue and counts as a breach. 5 is the default.',
  schema: z.number().int().min(1).max(90),
  defaultValue: 5,
});
