import { z } from 'zod';
import { defineSetting } from '../core/settings.ts';

/** How long a proposal stays open for comment before its decider may decide. */
export const commentWindowDays = defineSetting({
  key: 'roadmap.comment_window_days',
  label: 'Days a proposal stays open for comment',
  hint: 'Anyone signed in can comment and say whether they support it until the window closes; only then does its decider decide. 14 is the default.',
  schema: z.number().int().min(1).max(90),
  defaultValue: 14,
});

/** The least notice a breaking change gives before it takes effect. */
export const breakingNoticeDays = defineSetting({
  key: 'changelog.breaking_notice_days',
  label: 'Days of notice for a breaking change',
  hint: 'A changelog entry that breaks something must take effect at least this many days after it is published. 30 is the default.',
  schema: z.number().int().min(0).max(365),
  defaultValue: 30,
});
