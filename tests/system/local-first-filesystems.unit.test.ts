import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MountEntry } from '@omega/hostinfo';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLocalFirstFilesystemReader,
  isLocalStatfs,
} from '../../kernel/system/create-local-first-filesystem-reader.js';

const entry = (mount: string, fstype: string, device: string): MountEntry => ({
  mount,
  fstype,
  device,
  readOnly: false,
});

const dir = mkdtempSync(join(tmpdir(), 'omega-local-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createLocalFirstFilesystemReader', () => {
  it.each([
    ['ext4', '/dev/vda1', true],
    ['xfs', '/dev/mapper/root', true],
    ['f2fs', '/dev/nvme0n1p2', true],
    ['btrfs', '/dev/nvme0n1p2', false], // statfs may wait on locks a balance holds
    ['ext4', 'overlay', false], // not a block device
    ['vfat', '/dev/sda1', false], // its first statfs may count clusters on disk
    ['nfs4', 'server:/export', false],
    ['fuse.sshfs', 'user@host:', false],
    ['cifs', '//server/share', false],
  ])('%s from %s is read synchronously: %s', (fstype, device, local) => {
    expect(isLocalStatfs(entry('/x', fstype, device))).toBe(local);
  });

  it('answers local block-device filesystems within the turn (no thread-pool hop)', async () => {
    const read = createLocalFirstFilesystemReader(1000);
    let got: Awaited<ReturnType<typeof read>> | undefined;
    void read([entry('/', 'ext4', '/dev/vda')]).then((v) => {
      got = v;
    });
    // A few microtask hops, no macrotask: an fs.promises.statfs could not have answered yet.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(got?.map((f) => f.mount)).toEqual(['/']);
    const s = statfsSync('/');
    expect(got?.[0]?.sizeBytes).toBe(s.blocks * s.bsize);
    expect(got?.[0]?.files).toBe(s.files);
  });

  it('reads the rest asynchronously and keeps the mount table order', async () => {
    const read = createLocalFirstFilesystemReader(1000);
    const got = await read([
      entry(dir, 'nfs4', 'server:/export'),
      entry('/', 'ext4', '/dev/vda'),
      entry(join(dir, 'gone'), 'ext4', '/dev/vdb'), // statfs fails: left out, the rest kept
    ]);
    expect(got.map((f) => f.mount)).toEqual([dir, '/']);
    expect(got[0]?.device).toBe('server:/export');
  });
});
