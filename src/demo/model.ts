import { z } from 'zod';
import { defineSetting } from '../core/settings.ts';

export const DEMO_SIZES = ['small', 'large'] as const;
export type DemoSize = (typeof DEMO_SIZES)[number];

/** Marks a database that holds the generated demo organisation, so every page can say so. */
export const demoMarker = defineSetting({
  key: 'demo.organisation',
  label: 'Demo organisation',
  hint: 'Set by paved demo; pages show a demo banner while it is set.',
  schema: z
    .object({ seed: z.number().int(), size: z.enum(DEMO_SIZES), createdAt: z.string() })
    .nullable(),
  defaultValue: null,
  internal: true,
});
