import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSmartctl, parseZpoolList, parseZpoolStatus, readSmart, readZpools } from '../src/index.js';
import { ensureCommand, FIXTURES, hasCommand, isRoot } from './helpers/host-tools.js';
import { printed, replay } from './helpers/replay.js';

const fixture = (p: string) => readFileSync(join(FIXTURES, p), 'utf8');

describe('ZFS (hand-written from OpenZFS zpool-list(8)/zpool-status(8) output: no ZFS on Debian 12 main)', () => {
  it('parses exact sizes, health and fragmentation', () => {
    expect(parseZpoolList(fixture('hand-written/zpool-list.txt'))).toEqual([
      {
        name: 'tank',
        health: 'DEGRADED',
        sizeBytes: 3985729650688,
        allocatedBytes: 1209462790144,
        freeBytes: 2776266860544,
        fragmentation: 0.12,
        vdevs: [],
      },
      expect.objectContaining({ name: 'backup', health: 'ONLINE', fragmentation: 0 }),
    ]);
  });

  it('parses vdev states and error counters with depth, the resilver progress and the errors line', () => {
    const [backup, tank] = parseZpoolStatus(fixture('hand-written/zpool-status.txt'));
    expect(backup!.vdevs.map((v) => [v.name, v.depth, v.state])).toEqual([
      ['backup', 0, 'ONLINE'],
      ['sdc', 1, 'ONLINE'],
    ]);
    expect(tank!.health).toBe('DEGRADED');
    expect(tank!.scan).toContain('55.04% done, 00:29:10 to go');
    expect(tank!.errors).toBe('No known data errors');
    const sdb = tank!.vdevs.find((v) => v.name === 'sdb')!;
    expect(sdb).toEqual({
      name: 'sdb',
      depth: 3,
      state: 'UNAVAIL',
      readErrors: 3,
      writeErrors: 41,
      checksumErrors: 0,
    });
    expect(tank!.vdevs.find((v) => v.name === 'sdd')!.checksumErrors).toBe(12);
    expect(tank!.vdevs.find((v) => v.name === 'sde')).toMatchObject({ state: 'AVAIL', readErrors: 0 });
  });

  it('readZpools merges list and status; absent with why when zpool is missing or has no pool', async () => {
    const run = replay({
      'zpool list': printed(fixture('hand-written/zpool-list.txt')),
      'zpool status': printed(fixture('hand-written/zpool-status.txt')),
    });
    const z = await readZpools(run);
    if (!z.available) throw new Error(z.reason);
    expect(z.pools.find((p) => p.name === 'tank')!.vdevs.map((v) => v.name)).toEqual([
      'tank',
      'mirror-0',
      'sda',
      'replacing-1',
      'sdb',
      'sdd',
      'nvme0n1p1',
      'sde',
    ]);
    expect(await readZpools(replay({}))).toEqual({ available: false, reason: 'zpool not installed' });
    expect(await readZpools(replay({ 'zpool list': printed('') }))).toEqual({
      available: false,
      reason: 'no ZFS pool imported',
    });
  });

  it('this machine: zpool is reported as it is', async () => {
    const z = await readZpools();
    if (!hasCommand('zpool')) expect(z).toEqual({ available: false, reason: 'zpool not installed' });
    else expect(typeof z.available).toBe('boolean');
  });
});

describe('SMART (smartctl -j)', () => {
  it('ATA (hand-written from smartmontools JSON): failing self-assessment and the sector counts', () => {
    const d = parseSmartctl('/dev/sda', fixture('hand-written/smartctl-ata.json.out'));
    expect(d).toEqual({
      available: true,
      device: '/dev/sda',
      exitStatus: 8,
      protocol: 'ATA',
      model: 'ST4000NM0035-1V4107',
      serial: 'ZC1A2B3C',
      passed: false,
      temperatureCelsius: 39,
      powerOnHours: 35110,
      reallocatedSectors: 3912,
      pendingSectors: 16,
      offlineUncorrectable: 16,
    });
  });

  it('NVMe (hand-written): endurance used, media errors, critical warning', () => {
    const d = parseSmartctl('/dev/nvme0', fixture('hand-written/smartctl-nvme.json.out'));
    expect(d).toMatchObject({
      available: true,
      passed: true,
      enduranceUsed: 0.03,
      mediaErrors: 0,
      criticalWarning: 0,
    });
  });

  it("a virtio disk (real output captured on this machine): absent with smartctl's own reason", () => {
    expect(parseSmartctl('/dev/vda', fixture('this-machine/smartctl-vda.json.out'))).toEqual({
      available: false,
      reason: '/dev/vda: Unable to detect device type',
    });
  });

  it('readSmart probes every scanned device with its -d type; none found is absent', async () => {
    const run = replay({
      'smartctl -j': printed(fixture('hand-written/smartctl-scan.json.out')),
    });
    // Every call starts with -j: answer per device by the last argument.
    const perDevice = Object.assign(
      async (file: string, args: readonly string[]) => {
        if (args[1] === '--scan') return run(file, args);
        const name = args[args.length - 1];
        return printed(
          fixture(`hand-written/smartctl-${name === '/dev/sda' ? 'ata' : 'nvme'}.json.out`),
          name === '/dev/sda' ? 8 : 0,
        );
      },
      { calls: run.calls },
    );
    const s = await readSmart(perDevice);
    if (!s.available) throw new Error(s.reason);
    expect(s.devices.map((d) => [d.device, d.available])).toEqual([
      ['/dev/sda', true],
      ['/dev/nvme0', true],
    ]);
    const none = replay({ 'smartctl -j': printed(fixture('this-machine/smartctl-scan.json.out')) });
    expect(await readSmart(none)).toEqual({
      available: false,
      reason: 'smartctl --scan found no device with SMART',
    });
    expect(await readSmart(replay({}))).toEqual({ available: false, reason: 'smartctl not installed' });
  });

  it("live: smartctl on this machine's disks", async (ctx) => {
    if (!isRoot()) ctx.skip('smartctl needs root to open block devices');
    const missing = ensureCommand('smartctl', 'smartmontools');
    if (missing) ctx.skip(missing);
    const disks = readFileSync('/proc/partitions', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[3])
      .filter((n): n is string => !!n && /^(vd[a-z]|sd[a-z]|nvme\d+n\d+)$/.test(n))
      .map((n) => `/dev/${n}`);
    const s = await readSmart(undefined, disks);
    if (!s.available) {
      expect(s.reason).toMatch(/no device|not installed/);
      return;
    }
    for (const d of s.devices) {
      if (d.available) expect(typeof d.exitStatus).toBe('number');
      else expect(d.reason.length).toBeGreaterThan(0);
    }
  });
});
