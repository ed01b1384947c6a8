import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config.ts';
import type { DbHandle } from './db/index.ts';

/**
 * The server secret keys the anonymity hashes of surveys and pulses and
 * encrypts stored webhook secrets. It never lives in the database: it comes
 * from PAVED_SECRET, or from a key file beside the SQLite database (created
 * at first start, mode 0600). Several PostgreSQL instances must share one,
 * so PostgreSQL requires PAVED_SECRET.
 */
export class ServerSecret {
  private constructor(private readonly root: Buffer) {}

  static fromString(secret: string): ServerSecret {
    return new ServerSecret(Buffer.from(secret, 'utf8'));
  }

  /** A key for one purpose, so that no two uses of the secret share a key. */
  private key(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.root, 'paved', purpose, 32));
  }

  /** HMAC-SHA256 over the parts, keyed for `purpose`; hex. */
  hmac(purpose: string, ...parts: string[]): string {
    const mac = createHmac('sha256', this.key(purpose));
    for (const part of parts) mac.update(`${part.length}:${part}`);
    return mac.digest('hex');
  }

  /** AES-256-GCM encryption for values that must be read back (webhook secrets). */
  encrypt(purpose: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((b) => (typeof b === 'string' ? b : b.toString('base64url')))
      .join('.');
  }

  decrypt(purpose: string, sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined)
      throw new Error('Not a sealed value');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(purpose),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

export class SecretSetupError extends Error {
  override name = 'SecretSetupError';
}

/** Loads the server secret for this deployment, creating the SQLite key file if needed. */
export function loadSecret(
  config: Pick<Config, 'secret'>,
  handle: Pick<DbHandle, 'engine' | 'location'>,
): ServerSecret {
  if (config.secret) return ServerSecret.fromString(config.secret);
  if (handle.engine === 'postgres') {
    throw new SecretSetupError(
      'PAVED_SECRET is required with PostgreSQL, so that every instance shares it: set it to at least 32 random characters (for example: openssl rand -hex 32).',
    );
  }
  if (handle.location === ':memory:')
    return ServerSecret.fromString(randomBytes(32).toString('hex'));
  const file = join(dirname(handle.location), 'paved.key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first; use theirs.
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return ServerSecret.fromString(readFileSync(file, 'utf8').trim());
}
