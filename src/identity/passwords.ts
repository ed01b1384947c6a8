import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt parameters (N=2^15, r=8, p=1): ~32 MiB and tens of milliseconds per hash.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the account does not exist, so timing does not reveal it. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

// The most common passwords of 12 characters or more, from public breach lists.
const COMMON = new Set(
  [
    '123456789012',
    '1234567890123',
    '12345678910',
    'qwertyuiopasdfghjkl',
    'qwertyuiop123',
    'qwerty123456',
    '1q2w3e4r5t6y',
    '1qaz2wsx3edc',
    'zaq12wsxcde3',
    'password1234',
    'password12345',
    'password123456',
    'passwordpassword',
    'p@ssw0rd1234',
    'iloveyou1234',
    'letmein12345',
    'welcome12345',
    'welcome123456',
    'administrator',
    'administrator1',
    'changeme1234',
    'changemenow!',
    'abcdefghijkl',
    'abcd1234abcd',
    'aaaaaaaaaaaa',
    '111111111111',
    '000000000000',
    '987654321098',
    'football1234',
    'baseball1234',
    'sunshine1234',
    'princess1234',
    'trustno1trustno1',
    'correcthorsebatterystaple',
    'superman1234',
    'starwars1234',
    'monkey123456',
    'dragon123456',
    'master123456',
    'qwertyqwerty',
    'asdfghjkl123',
    'zxcvbnm12345',
    'mypassword123',
    'secretpassword',
    'passw0rd1234',
    'letmeinplease',
    'paved-password',
    'platform1234',
  ].map((p) => p.toLowerCase()),
);

/** Why a new password is refused, or null when it is acceptable. No composition rules. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  if (password.length < 12) return 'Password must be at least 12 characters.';
  if (password.length > 128) return 'Password must be at most 128 characters.';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'This password is one of the most common ones; choose another.';
  if (context.email && lower === context.email.toLowerCase()) {
    return 'Password must not be your email address.';
  }
  return null;
}
