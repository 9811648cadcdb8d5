import { readdirSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { createNetRateTracker, netRates, parseNetDev, readInterfaces } from '../src/index.js';
import { PROC_NET_DEV } from './fixtures/proc-text.js';
import { hasCommand, isRoot, removeAll, run, writeTree } from './helpers/host-tools.js';

const dirs: string[] = [];
afterAll(() => removeAll(dirs));

describe('interface rates from two /proc/net/dev readings', () => {
  it('per-second rates of every counter; a new interface joins on the next reading', () => {
    const before = parseNetDev(PROC_NET_DEV);
    const after = before.map((i) =>
      i.name === 'eth0'
        ? {
            ...i,
            rxBytes: i.rxBytes + 4000,
            rxPackets: i.rxPackets! + 4,
            txBytes: i.txBytes + 1000,
            rxDropped: 2,
          }
        : i,
    );
    const eth0 = netRates(before.find((i) => i.name === 'eth0')!, after.find((i) => i.name === 'eth0')!, 2);
    expect(eth0).toMatchObject({
      rxBytesPerSecond: 2000,
      rxPacketsPerSecond: 2,
      txBytesPerSecond: 500,
      rxDroppedPerSecond: 1,
    });
    const tracker = createNetRateTracker();
    expect(tracker.next(before, 0)).toEqual([]);
    const next = tracker.next([...after, { ...after[0]!, name: 'veth9' }], 2000);
    expect(next.map((r) => r.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    // A counter that went down (interface re-created) restarts from 0 rather than going negative.
    const reset = netRates(after[3]!, { ...after[3]!, rxBytes: 10 }, 1);
    expect(reset.rxBytesPerSecond).toBe(10);
  });
});

describe('readInterfaces', () => {
  it('this machine: every /sys/class/net interface, lo as loopback with its addresses from getifaddrs', async () => {
    const list = await readInterfaces();
    expect(list.map((i) => i.name)).toEqual(readdirSync('/sys/class/net').sort());
    const lo = list.find((i) => i.name === 'lo')!;
    expect(lo.kind).toBe('loopback');
    expect(lo.mtu).toBe(65536);
    if (!lo.addresses.available) throw new Error(lo.addresses.reason);
    const ours = lo.addresses.list.map((a) => `${a.address}/${a.prefix}`).sort();
    const theirs = (os.networkInterfaces().lo ?? []).map((a) => a.cidr).sort();
    expect(ours).toEqual(theirs);
    for (const i of list) {
      if (!i.speed.available) expect(i.speed.reason).toMatch(/^no link speed/);
      else expect(i.speed.mbps).toBeGreaterThan(0);
    }
  });

  it('a recorded tree: addresses absent with why (they are not in /sys), speed absent on a down link', async () => {
    const root = await writeTree({
      'sys/class/net/eno1/operstate': 'down\n',
      'sys/class/net/eno1/carrier': '0\n',
      'sys/class/net/eno1/carrier_changes': '7\n',
      'sys/class/net/eno1/mtu': '9000\n',
      'sys/class/net/eno1/type': '1\n',
      'sys/class/net/eno1/address': '3c:ec:ef:00:11:22\n',
      'sys/class/net/eno1/device/vendor': '0x8086\n',
    });
    dirs.push(root);
    const [eno1] = await readInterfaces({ root });
    expect(eno1).toEqual({
      name: 'eno1',
      operstate: 'down',
      carrier: false,
      carrierChanges: 7,
      mtu: 9000,
      mac: '3c:ec:ef:00:11:22',
      kind: 'device',
      speed: { available: false, reason: 'no link speed: the link is down' },
      addresses: { available: false, reason: expect.stringContaining('getifaddrs') },
    });
  });

  it('live: a veth pair — MTU, speed, address, and carrier changes when the peer goes down', async (ctx) => {
    if (!isRoot()) ctx.skip('needs root to create a veth pair');
    if (!hasCommand('ip')) ctx.skip('iproute2 (ip) is missing');
    const a = `omh${process.pid % 100000}a`;
    const b = `omh${process.pid % 100000}b`;
    // A /30 no interface uses; no traffic is sent.
    const used = run('ip', ['-4', '-o', 'addr']);
    const net = ['10.203.99', '10.203.98', '10.203.97'].find((p) => !used.includes(`${p}.`));
    if (!net) ctx.skip('no free test subnet');
    try {
      run('ip', ['link', 'add', a, 'mtu', '1400', 'type', 'veth', 'peer', 'name', b]);
      run('ip', ['addr', 'add', `${net}.1/30`, 'dev', a]);
      run('ip', ['link', 'set', a, 'up']);
      run('ip', ['link', 'set', b, 'up']);
      const upNow = async () => (await readInterfaces()).find((i) => i.name === a)!;
      let up = await upNow();
      for (let i = 0; i < 250 && up.operstate !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        up = await upNow();
      }
      expect(up).toMatchObject({ operstate: 'up', carrier: true, mtu: 1400, kind: 'virtual' });
      if (up.addresses.available)
        expect(up.addresses.list).toContainEqual({ family: 'IPv4', address: `${net}.1`, prefix: 30 });
      else throw new Error(up.addresses.reason);
      if (up.speed.available) expect(up.speed.mbps).toBeGreaterThan(0);
      run('ip', ['link', 'set', b, 'down']);
      let down = await upNow();
      for (let i = 0; i < 250 && down.carrier !== false; i++) {
        await new Promise((r) => setTimeout(r, 20));
        down = await upNow();
      }
      expect(down.carrier).toBe(false);
      expect(down.carrierChanges!).toBeGreaterThan(up.carrierChanges!);
      expect(down.speed.available).toBe(false);
    } finally {
      run('sh', ['-c', `ip link del ${a} 2>/dev/null || true`]);
    }
  });
});
