import { z } from 'zod';
import { ROLE_NAMES, type RoleName } from '../core/policy.ts';

export { ROLE_NAMES, type RoleName };

export interface User {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  hasPassword: boolean;
  disabledAt: string | null;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  /** The day it was last used, never the time. */
  lastUsedOn: string | null;
  revokedAt: string | null;
}

/** Token values start with this, so they are easy to recognise (and to scan for in logs). */
export const TOKEN_PREFIX = 'pvd_';

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address like name@example.com');

export const RoleSchema = z.enum(ROLE_NAMES);

/** `90d`, `12h`, `2w` → milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,4})([hdw])$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (n === 0) return null;
  const unit = { h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as 'h' | 'd' | 'w'];
  return n * unit;
}

/** The state a token is in at `now`. */
export function tokenState(token: ApiToken, now: Date): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt <= now.toISOString()) return 'expired';
  return 'active';
}
