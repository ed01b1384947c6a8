import { z } from 'zod';
import { defineSetting } from './settings.ts';

/**
 * `k`: a cut of survey or pulse results (or a cohort) is shown only with at
 * least this many answers. Never below 3 (shared/METRICS.md).
 */
export const anonymityK = defineSetting({
  key: 'privacy.k',
  label: 'Smallest group shown (k)',
  hint: 'Results for fewer people than this are hidden. At least 3; 5 is the default.',
  schema: z.number().int().min(3).max(100),
  defaultValue: 5,
});

/** `k_comment`: comments are shown only for cuts with at least this many answers. */
export const anonymityKComment = defineSetting({
  key: 'privacy.k_comment',
  label: 'Smallest group whose comments are shown',
  hint: 'Open comments show only for groups at least this large. 10 is the default.',
  schema: z.number().int().min(3).max(1000),
  defaultValue: 10,
});
