import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuTracker, numaLoad, parseProcStat, readCpuLayout, readNuma } from '../src/index.js';
import { FIXTURES, removeAll, writeTree } from './helpers/host-tools.js';

/** Real capture: Debian's 6.1 kernel booted under qemu with 2 sockets × 2 CPUs, 2 × 512 MiB (see fixtures/README.md). */
const QEMU = join(FIXTURES, 'qemu-2node/numa-2node');
const KB = 1024;
const dirs: string[] = [];
afterAll(() => removeAll(dirs));

describe('readNuma on a real 2-node capture', () => {
  it('reads both nodes, their CPUs, memory and the distance matrix', async () => {
    const numa = await readNuma({ root: QEMU });
    if (!numa.available) throw new Error(numa.reason);
    expect(numa.nodes.map((n) => [n.node, n.cpus])).toEqual([
      [0, [0, 1]],
      [1, [2, 3]],
    ]);
    expect(numa.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
    expect(numa.nodes[0]!.memory!.totalBytes).toBe(514388 * KB);
    expect(numa.nodes[1]!.memory!.totalBytes).toBe(469972 * KB);
    for (const n of numa.nodes) {
      const m = n.memory!;
      expect(m.usedBytes).toBe(m.totalBytes - m.freeBytes);
      expect(m.availableEstimateBytes!).toBeGreaterThanOrEqual(m.freeBytes);
      expect(m.availableEstimateBytes!).toBeLessThanOrEqual(m.totalBytes);
    }
  });

  it('reconciles node totals with /proc/meminfo and names the difference', async () => {
    const numa = await readNuma({ root: QEMU });
    if (!numa.available) throw new Error(numa.reason);
    const mem = numa.memory!;
    expect(mem.systemTotalBytes).toBe(984360 * KB);
    expect(mem.nodesTotalBytes).toBe((514388 + 469972) * KB);
    expect(mem.unattributedBytes).toBe(mem.systemTotalBytes - mem.nodesTotalBytes);
    // Free memory does not add up: the node files were read before /proc/meminfo (memory moved
    // meanwhile) and per-node free pages are per-CPU counters folded in late. Both are reported as read.
    expect(mem.systemFreeBytes).toBe(921224 * KB);
    expect(mem.nodesFreeBytes).toBe((490920 + 440536) * KB);
  });

  it('lays out CPUs by socket and core, and each CPU on its node', async () => {
    const layout = await readCpuLayout(join(QEMU, 'sys'), (p) => Promise.resolve(readFileSync(p, 'utf8')));
    expect(layout.sockets).toBe(2);
    expect(layout.physicalCores).toBe(4);
    expect(layout.cpus.map((c) => [c.cpu, c.socket, c.node])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 1, 1],
      [3, 1, 1],
    ]);
  });

  it('per-node load is the mean busy share of the node CPUs (from /proc/stat)', async () => {
    const numa = await readNuma({ root: QEMU });
    if (!numa.available) throw new Error(numa.reason);
    const stat = parseProcStat(readFileSync(join(QEMU, 'proc/stat'), 'utf8'));
    const cpu = createCpuTracker().next(stat, undefined, 0);
    const load = numaLoad(numa.nodes, cpu.cores);
    const busy = (c: number) => cpu.cores.find((x) => x.cpu === c)!.busy;
    expect(load).toEqual([
      { node: 0, busy: (busy(0) + busy(1)) / 2, cpus: 2 },
      { node: 1, busy: (busy(2) + busy(3)) / 2, cpus: 2 },
    ]);
  });
});

describe('readNuma on hand-written trees (kernel documented format)', () => {
  it('a memory-only node (CXL/PMEM) has no CPUs and no load; a total mismatch is shown, not hidden', async () => {
    const meminfo = (n: number, total: number, free: number) =>
      `Node ${n} MemTotal: ${total} kB\nNode ${n} MemFree: ${free} kB\nNode ${n} MemUsed: ${total - free} kB\n`;
    const root = await writeTree({
      'sys/devices/system/node/node0/cpulist': '0-3\n',
      'sys/devices/system/node/node0/meminfo': meminfo(0, 1000, 400),
      'sys/devices/system/node/node0/distance': '10 20\n',
      'sys/devices/system/node/node1/cpulist': '\n',
      'sys/devices/system/node/node1/meminfo': meminfo(1, 3000, 3000),
      'sys/devices/system/node/node1/distance': '20 10\n',
      'proc/meminfo': 'MemTotal: 4096 kB\nMemFree: 3390 kB\n',
    });
    dirs.push(root);
    const numa = await readNuma({ root });
    if (!numa.available) throw new Error(numa.reason);
    expect(numa.nodes[1]!.cpus).toEqual([]);
    expect(numa.memory).toEqual({
      systemTotalBytes: 4096 * KB,
      nodesTotalBytes: 4000 * KB,
      unattributedBytes: 96 * KB,
      systemFreeBytes: 3390 * KB,
      nodesFreeBytes: 3400 * KB,
    });
    expect(numaLoad(numa.nodes, [])).toEqual([
      { node: 0, cpus: 0 },
      { node: 1, cpus: 0 },
    ]);
  });

  it('a kernel without NUMA support: absent with the reason, no zeros', async () => {
    const root = await writeTree({ 'proc/meminfo': 'MemTotal: 1 kB\n' });
    dirs.push(root);
    const numa = await readNuma({ root });
    expect(numa).toEqual({ available: false, reason: expect.stringContaining('without NUMA support') });
  });
});

describe('readNuma on this machine', () => {
  it('every online CPU is on exactly one node and /proc/meminfo is the system total', async () => {
    const numa = await readNuma();
    if (!numa.available) throw new Error(numa.reason);
    const cpus = numa.nodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
    expect(cpus).toEqual(os.cpus().map((_, i) => i));
    const total = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * KB;
    expect(numa.memory?.systemTotalBytes).toBe(total);
    expect(numa.distances.length).toBe(numa.nodes.length);
  });
});
