import { describe, expect, it } from 'vitest';
import { describeEngines, freshDatabase, postgresUrl } from '../../../test/engines.ts';
import { startChildServe } from '../../../test/reliability/child.ts';
import { memoryLogger } from '../../../test/security/support.ts';
import {
  isNetworkFilesystem,
  mountOf,
  networkFilesystemWarning,
  parseMounts,
  postgresWarnings,
  readPostgresDurability,
  startupGuards,
} from './guards.ts';
import { openDatabase } from './index.ts';

const MOUNTS = [
  '/dev/vda / ext4 rw,relatime 0 0',
  'proc /proc proc rw 0 0',
  'tmpfs /tmp tmpfs rw 0 0',
  'files.corp:/export/paved /srv/paved nfs4 rw,vers=4.2 0 0',
  '//nas/share /mnt/nas cifs rw 0 0',
  'me@host:/data /home/me/remote fuse.sshfs rw 0 0',
  'C:\\134 /mnt/c 9p rw 0 0',
  '/dev/vdb /srv/paved/local ext4 rw 0 0',
  '/dev/vdc /srv/with\\040space xfs rw 0 0',
  'fuse-overlayfs /var/lib/containers fuse.fuse-overlayfs rw 0 0',
].join('\n');

describe('network filesystem detection', () => {
  it.each([
    ['/var/lib/paved/paved.db', 'ext4', null],
    ['/tmp/paved.db', 'tmpfs', null],
    ['/srv/paved/paved.db', 'nfs4', '/srv/paved'],
    ['/srv/paved', 'nfs4', '/srv/paved'],
    ['/srv/pavedx/paved.db', 'ext4', null],
    ['/srv/paved/local/paved.db', 'ext4', null],
    ['/mnt/nas/db/paved.db', 'cifs', '/mnt/nas'],
    ['/home/me/remote/paved.db', 'fuse.sshfs', '/home/me/remote'],
    ['/mnt/c/Users/me/paved.db', '9p', '/mnt/c'],
    ['/srv/with space/paved.db', 'xfs', null],
    ['/var/lib/containers/paved.db', 'fuse.fuse-overlayfs', null],
  ])('%s is on %s (network mount: %s)', (file, type, networkAt) => {
    expect(mountOf(parseMounts(MOUNTS), file)?.type).toBe(type);
    const warning = networkFilesystemWarning(MOUNTS, file);
    if (networkAt === null) expect(warning).toBeNull();
    else expect(warning).toContain(`(${type} at ${networkAt})`);
  });

  it('reads octal escapes and takes the later of two mounts on the same point', () => {
    const mounts = parseMounts('a /data ext4 rw 0 0\nsrv:/x /data nfs rw 0 0\n\n');
    expect(mounts).toHaveLength(2);
    expect(mountOf(mounts, '/data/paved.db')?.type).toBe('nfs');
    expect(parseMounts('/dev/x /a\\040b\\011c ext4 rw 0 0')[0]?.mountPoint).toBe('/a b\tc');
  });

  it.each([
    ['nfs', true],
    ['nfs4', true],
    ['cifs', true],
    ['smb3', true],
    ['9p', true],
    ['fuse.sshfs', true],
    ['fuse.rclone', true],
    ['ceph', true],
    ['ext4', false],
    ['xfs', false],
    ['btrfs', false],
    ['overlay', false],
    ['tmpfs', false],
    ['fuse.fuse-overlayfs', false],
    ['zfs', false],
  ])('%s is a network filesystem: %s', (type, network) => {
    expect(isNetworkFilesystem(type)).toBe(network);
  });
});

describe('PostgreSQL durability warnings', () => {
  const safe = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' };
  it.each([
    [safe, []],
    [{ ...safe, synchronous_commit: 'local' }, []],
    [{ ...safe, synchronous_commit: 'remote_apply' }, []],
    [{ ...safe, fsync: 'off' }, ['fsync off']],
    [{ ...safe, synchronous_commit: 'off' }, ['synchronous_commit off']],
    [{ ...safe, full_page_writes: 'off' }, ['full_page_writes off']],
    [
      { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'on' },
      ['fsync off', 'synchronous_commit off'],
    ],
  ])('%o warns about %o', (settings, expected) => {
    expect(postgresWarnings(settings)).toEqual(
      expected.map((e) => expect.stringContaining(`with ${e}:`)),
    );
  });
});

describeEngines('start-up guards', (handle) => {
  it('logs the durability settings read back from the database and warns about none here', async () => {
    const { log, records } = memoryLogger('info');
    const warnings = await startupGuards(handle(), log, { mounts: MOUNTS });
    expect(warnings).toEqual([]);
    const line = records().find((r) => /durability$/.test(String(r.msg)));
    if (handle().engine === 'sqlite') {
      expect(line).toMatchObject({
        msg: 'sqlite durability',
        synchronous: 'FULL',
        journalMode: 'WAL',
      });
    } else {
      expect(line).toMatchObject({
        msg: 'postgresql durability',
        fsync: 'on',
        synchronous_commit: 'on',
        full_page_writes: 'on',
      });
    }
    expect(records().filter((r) => r.level === 40)).toEqual([]);
  });
});

describe('start-up guards on a SQLite file', () => {
  it('warns with a log line when the file sits on a network mount', async () => {
    const db = await freshDatabase('sqlite');
    try {
      const { log, records } = memoryLogger('info');
      const dir = db.location.slice(0, db.location.lastIndexOf('/'));
      const mounts = `/dev/vda / ext4 rw 0 0\nnas:/vol ${dir} nfs4 rw 0 0\n`;
      const warnings = await startupGuards(db, log, { mounts });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`(nfs4 at ${dir})`);
      expect(
        records()
          .filter((r) => r.level === 40)
          .map((r) => r.msg),
      ).toEqual(warnings);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(postgresUrl)('PostgreSQL settings read back with SHOW', () => {
  it('reads the server’s values, and a session with synchronous_commit off is warned about', async () => {
    const base = await openDatabase(postgresUrl!, { poolSize: 1 });
    try {
      expect(await readPostgresDurability(base)).toEqual({
        fsync: 'on',
        synchronous_commit: 'on',
        full_page_writes: 'on',
      });
    } finally {
      await base.close();
    }
    const url = new URL(postgresUrl!);
    url.searchParams.set('options', '-c synchronous_commit=off');
    const relaxed = await openDatabase(url.toString(), { poolSize: 1 });
    try {
      const { log, records } = memoryLogger('info');
      const warnings = await startupGuards(relaxed, log);
      expect(warnings).toEqual([expect.stringContaining('synchronous_commit off')]);
      expect(records().find((r) => r.level === 40)?.msg).toBe(warnings[0]);
    } finally {
      await relaxed.close();
    }
  });
});

describe('paved serve', () => {
  it('logs the durability settings it read back before it listens', async () => {
    const db = await freshDatabase('sqlite');
    const serve = await startChildServe({ PAVED_DATABASE_URL: db.url, PAVED_LOG_LEVEL: 'info' });
    try {
      const lines = serve
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.msg === 'sqlite durability')).toMatchObject({
        synchronous: 'FULL',
        journalMode: 'WAL',
        file: db.location,
      });
      const order = serve.stderr();
      expect(order.indexOf('sqlite durability')).toBeLessThan(order.indexOf('listening on'));
    } finally {
      await serve.stop();
      await db.close();
    }
  });
});
