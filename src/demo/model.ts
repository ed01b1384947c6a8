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

/** A demo sign-in, shown on the sign-in page of a demo database only. */
export interface DemoAccount {
  email: string;
  password: string;
  role: 'admin' | 'platform' | 'leader' | 'developer';
  name: string;
}

/**
 * The demo's accounts and their passwords. Kept readable on purpose: they are
 * demo-only, printed by `npm start` and shown on the sign-in page so anyone
 * trying paved can sign in as each role.
 */
export const demoAccounts = defineSetting<DemoAccount[]>({
  key: 'demo.accounts',
  label: 'Demo accounts',
  hint: 'Set by paved demo.',
  schema: z.array(
    z.object({
      email: z.string(),
      password: z.string(),
      role: z.enum(['admin', 'platform', 'leader', 'developer']),
      name: z.string(),
    }),
  ),
  defaultValue: [],
  internal: true,
});
