// Start-up guards: settings that decide whether an acknowledged write survives
// a crash, read back from the running database and logged; the risky ones
// are warned about. paved still starts: the operator may know better.

import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Logger } from '../log.ts';
import type { DbHandle } from './index.ts';

/** One line of /proc/mounts. */
export interface Mount {
  device: string;
  mountPoint: string;
  type: string;
}

// Filesystems whose locks or shared memory SQLite cannot rely on (sqlite.org/useovernet.html).
const NETWORK_TYPES = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  '9p',
  'afs',
  'ncpfs',
  'coda',
  'ceph',
  'glusterfs',
  'lustre',
  'gpfs',
  'drvfs',
  'davfs',
]);
const NETWORK_FUSE =
  /^fuse\.(sshfs|glusterfs|ceph-fuse|cephfs|s3fs|rclone|gcsfuse|goofys|juicefs|davfs2?)$/;

/** True for filesystems reached over a network (or a VM's host share), by their /proc/mounts type. */
export function isNetworkFilesystem(type: string): boolean {
  return NETWORK_TYPES.has(type) || NETWORK_FUSE.test(type);
}

// /proc/mounts writes space, tab, newline and backslash as octal escapes.
const unescapeOctal = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_m, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );

/** The mounts listed in /proc/mounts text, in order. */
export function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mountPoint, type] = line.trim().split(/\s+/);
    if (!device || !mountPoint || !type) continue;
    mounts.push({ device: unescapeOctal(device), mountPoint: unescapeOctal(mountPoint), type });
  }
  return mounts;
}

/** The mount an absolute path lives on: the longest mount point containing it, the later of equals. */
export function mountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const root = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`;
    const inside = path === m.mountPoint || path.startsWith(root);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** The warning for a SQLite file on a network filesystem, or null when its mount is local. */
export function networkFilesystemWarning(mountsText: string, file: string): string | null {
  const mount = mountOf(parseMounts(mountsText), file);
  if (!mount || !isNetworkFilesystem(mount.type)) return null;
  return `The SQLite database ${file} is on a network filesystem (${mount.type} at ${mount.mountPoint}). SQLite's locks and write-ahead log are not reliable there: data can be corrupted or acknowledged writes lost. Move it to a local disk, or use PostgreSQL.`;
}

/** The PostgreSQL settings paved reads back, as SHOW answers them. */
export interface PostgresDurability {
  fsync: string;
  synchronous_commit: string;
  full_page_writes: string;
}

/** Warnings for PostgreSQL settings under which a crash can lose or corrupt committed data. */
export function postgresWarnings(s: PostgresDurability): string[] {
  const warnings: string[] = [];
  if (s.fsync !== 'on') {
    warnings.push(
      'PostgreSQL runs with fsync off: a crash of the database server can corrupt it and lose committed data. Turn fsync on.',
    );
  }
  if (s.synchronous_commit === 'off') {
    warnings.push(
      'PostgreSQL runs with synchronous_commit off: a crash of the database server can lose the last moments of writes paved has already acknowledged. Set it to on.',
    );
  }
  if (s.full_page_writes !== 'on') {
    warnings.push(
      'PostgreSQL runs with full_page_writes off: a crash during a write can leave torn pages. Turn it on unless the filesystem guarantees atomic page writes.',
    );
  }
  return warnings;
}

async function show(handle: DbHandle, name: keyof PostgresDurability): Promise<string> {
  // SHOW takes no parameters; the names are fixed above.
  const { rows } = await sql<Record<string, string>>`show ${sql.raw(name)}`.execute(handle.db);
  return String(Object.values(rows[0] ?? {})[0] ?? '');
}

/** Reads back the durability settings of the PostgreSQL server. */
export async function readPostgresDurability(handle: DbHandle): Promise<PostgresDurability> {
  return {
    fsync: await show(handle, 'fsync'),
    synchronous_commit: await show(handle, 'synchronous_commit'),
    full_page_writes: await show(handle, 'full_page_writes'),
  };
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

function readProcMounts(): string | null {
  try {
    return readFileSync('/proc/mounts', 'utf8');
  } catch {
    // Not Linux: there is no mount table to read.
    return null;
  }
}

/** The file's real path (symbolic links resolved through its folder). */
function realFile(file: string): string {
  try {
    return join(realpathSync(dirname(file)), basename(file));
  } catch {
    return file;
  }
}

/**
 * Reads back and logs the settings a crash depends on, warns about the risky
 * ones, and returns the warnings. `mounts` stands in for /proc/mounts (tests).
 */
export async function startupGuards(
  handle: DbHandle,
  log: Logger,
  opts: { mounts?: string | null } = {},
): Promise<string[]> {
  const warnings: string[] = [];
  if (handle.engine === 'sqlite') {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
    const { rows: journal } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(
      handle.db,
    );
    const synchronous = SYNCHRONOUS[Number(rows[0]?.synchronous)] ?? String(rows[0]?.synchronous);
    const journalMode = String(journal[0]?.journal_mode ?? '').toUpperCase();
    log.info({ synchronous, journalMode, file: handle.location }, 'sqlite durability');
    if (synchronous !== 'FULL' && synchronous !== 'EXTRA') {
      warnings.push(
        `SQLite synchronous is ${synchronous}: a power cut can lose acknowledged writes.`,
      );
    }
    if (handle.location !== ':memory:') {
      if (journalMode !== 'WAL') {
        warnings.push(
          `SQLite journal mode is ${journalMode}, not WAL: the filesystem may not support it, and readers will block writers.`,
        );
      }
      const mounts = opts.mounts === undefined ? readProcMounts() : opts.mounts;
      const warning = mounts ? networkFilesystemWarning(mounts, realFile(handle.location)) : null;
      if (warning) warnings.push(warning);
    }
  } else {
    const settings = await readPostgresDurability(handle);
    log.info(settings, 'postgresql durability');
    warnings.push(...postgresWarnings(settings));
  }
  for (const w of warnings) log.warn(w);
  return warnings;
}
