import { describe, expect, it } from 'vitest';
import {
  cpuFractions,
  createCpuTracker,
  isHostinfoError,
  memoryFromMeminfo,
  parseCpuList,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
} from '../src/index.js';
import {
  CPU_ONLINE,
  NODE0_CPULIST,
  PROC_DISKSTATS,
  PROC_LOADAVG,
  PROC_MEMINFO,
  PROC_MOUNTS,
  PROC_NET_DEV,
  PROC_STAT,
  PROC_STAT_CPU_AFTER,
  PROC_STAT_CPU_BEFORE,
} from './fixtures/proc-text.js';

const sumOf = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);

describe('parseProcStat (real /proc/stat)', () => {
  it('reads the total and per-CPU lines in seconds, ignoring intr/ctxt/softirq lines', () => {
    const s = parseProcStat(PROC_STAT);
    expect(s.total).toEqual({
      user: 152.51,
      nice: 0,
      system: 29.32,
      idle: 805.95,
      iowait: 2.53,
      irq: 0,
      softirq: 0.51,
      steal: 0.9,
    });
    expect(s.cores.map((c) => c.cpu)).toEqual([0, 1]);
    expect(s.cores[0]!.times.user).toBe(72.58);
    expect(s.cores[1]!.times.iowait).toBe(2.3);
  });

  it('rejects text without a cpu line with a coded error', () => {
    let caught: unknown;
    try {
      parseProcStat('intr 1 2 3\nctxt 4\n');
    } catch (err) {
      caught = err;
    }
    expect(isHostinfoError(caught, 'HOSTINFO_ERR_PARSE')).toBe(true);
    expect((caught as { source: string }).source).toBe('/proc/stat');
  });
});

describe('cpu fractions (two real samples 1 s apart, one core busy)', () => {
  const before = parseProcStat(PROC_STAT_CPU_BEFORE);
  const after = parseProcStat(PROC_STAT_CPU_AFTER);

  it('splits each CPU by state over the interval', () => {
    const busy = cpuFractions(before.cores[0]!.times, after.cores[0]!.times)!;
    expect(busy.user).toBeCloseTo(42 / 101, 10);
    expect(busy.system).toBeCloseTo(59 / 101, 10);
    expect(busy.idle).toBe(0);
    const idle = cpuFractions(before.cores[1]!.times, after.cores[1]!.times)!;
    expect(idle.idle).toBeCloseTo(1, 10);
  });

  it('returns undefined when no tick passed', () => {
    expect(cpuFractions(after.total, after.total)).toBeUndefined();
  });

  it('tracker: first read covers time since boot, second the interval; busy and sums hold', () => {
    const tracker = createCpuTracker();
    const first = tracker.next(before, undefined, 1000);
    expect(first.intervalSeconds).toBeNull();
    expect(first.total.fractions.idle).toBeCloseTo(81354 / (15259 + 2935 + 81354 + 253 + 51 + 90), 10);
    const second = tracker.next(after, { load1: 1, load5: 0.5, load15: 0.2 }, 2000);
    expect(second.intervalSeconds).toBe(1);
    expect(second.cores[0]!.busy).toBeCloseTo(1, 10);
    expect(second.cores[1]!.busy).toBeCloseTo(0, 10);
    expect(second.total.fractions.idle).toBeCloseTo(99 / 202, 10);
    for (const u of [second.total, ...second.cores]) expect(sumOf({ ...u.fractions })).toBeCloseTo(1, 10);
    expect(second.load).toEqual({ load1: 1, load5: 0.5, load15: 0.2 });
    // A third read with no new ticks repeats the last fractions instead of inventing zeros.
    const third = tracker.next(after, undefined, 2001);
    expect(third.cores[0]!.fractions).toEqual(second.cores[0]!.fractions);
  });

  it('counts a counter that went backwards as zero', () => {
    const prev = { ...before.total, iowait: before.total.iowait + 5 };
    const f = cpuFractions(prev, after.total)!;
    expect(f.iowait).toBe(0);
    expect(f.idle).toBeCloseTo(99 / 202, 10);
  });
});

describe('other /proc parsers (real text)', () => {
  it('parseLoadavg', () => {
    expect(parseLoadavg(PROC_LOADAVG)).toEqual({ load1: 0.1, load5: 0.24, load15: 0.16 });
    expect(() => parseLoadavg('')).toThrow();
  });

  it('parseMeminfo converts kB to bytes and keeps unit-less counts', () => {
    const m = parseMeminfo(PROC_MEMINFO);
    expect(m.get('MemTotal')).toBe(24684096 * 1024);
    expect(m.get('HugePages_Total')).toBe(0);
    expect(m.get('Hugepagesize')).toBe(2048 * 1024);
    expect(m.get('Active(anon)')).toBe(1556 * 1024);
  });

  it('memoryFromMeminfo derives used from MemAvailable and swap from SwapTotal/SwapFree', () => {
    const mem = memoryFromMeminfo(parseMeminfo(PROC_MEMINFO), 1);
    expect(mem.totalBytes).toBe(24684096 * 1024);
    expect(mem.availableBytes).toBe(24313960 * 1024);
    expect(mem.usedBytes).toBe((24684096 - 24313960) * 1024);
    expect(mem.buffersBytes).toBe(2360 * 1024);
    expect(mem.cachedBytes).toBe(188464 * 1024);
    expect(mem.swap).toEqual({ totalBytes: 0, freeBytes: 0, usedBytes: 0 });
  });

  it('memoryFromMeminfo without MemAvailable (pre-3.14 kernels) leaves it absent', () => {
    const old = PROC_MEMINFO.split('\n')
      .filter((l) => !l.startsWith('MemAvailable'))
      .join('\n');
    const mem = memoryFromMeminfo(parseMeminfo(old), 1);
    expect('availableBytes' in mem).toBe(false);
    expect(mem.usedBytes).toBe((24684096 - 24323484 - 2360 - 188464) * 1024);
  });

  it('parseDiskstats keeps whole disks, drops loop/zram, converts sectors and ms', () => {
    const d = parseDiskstats(PROC_DISKSTATS);
    expect(d.map((x) => x.name)).toEqual(['vda']);
    expect(d[0]).toEqual({
      name: 'vda',
      readsCompleted: 21126,
      writesCompleted: 1968,
      readBytes: 1387954 * 512,
      writtenBytes: 1499552 * 512,
      readTimeSeconds: 31.116,
      writeTimeSeconds: 4.264,
      ioInProgress: 0,
      ioTimeSeconds: 3.536,
    });
    expect(parseDiskstats(PROC_DISKSTATS, /^$/).map((x) => x.name)).toContain('zram0');
  });

  it('parseNetDev reads every interface including lo', () => {
    const n = parseNetDev(PROC_NET_DEV);
    expect(n.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    const eth0 = n.find((i) => i.name === 'eth0')!;
    expect(eth0.rxBytes).toBe(240339714);
    expect(eth0.rxPackets).toBe(7916);
    expect(eth0.txBytes).toBe(611081);
    expect(eth0.txPackets).toBe(5111);
  });

  it('parseMounts keeps real filesystems only', () => {
    expect(parseMounts(PROC_MOUNTS)).toEqual([
      { device: '/dev/vda', mount: '/', fstype: 'ext4', readOnly: false },
    ]);
  });

  it('parseMounts undoes octal escapes, honours ro, and lets the top mount win', () => {
    const text =
      '/dev/sdb1 /mnt/my\\040disk xfs ro,noatime 0 0\n/dev/sdc1 /data ext4 rw 0 0\n/dev/sdd1 /data xfs rw 0 0\n';
    expect(parseMounts(text)).toEqual([
      { device: '/dev/sdb1', mount: '/mnt/my disk', fstype: 'xfs', readOnly: true },
      { device: '/dev/sdd1', mount: '/data', fstype: 'xfs', readOnly: false },
    ]);
  });

  it('parseCpuList', () => {
    expect(parseCpuList(NODE0_CPULIST)).toEqual([0, 1]);
    expect(parseCpuList(CPU_ONLINE)).toEqual([0, 1]);
    expect(parseCpuList('0-2,8,10-11\n')).toEqual([0, 1, 2, 8, 10, 11]);
    expect(parseCpuList('\n')).toEqual([]);
  });
});

describe('parseMeminfo (lines it keeps and skips)', () => {
  /** The line rule the parser implements, as a regular expression: the spec it is checked against. */
  const byRegex = (text: string): Map<string, number> => {
    const fields = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^([^:]+):[ \t\r\v\f]+(\d+)(?:[ \t\r\v\f]+kB)?[ \t\r\v\f]*$/.exec(line);
      if (!m) continue;
      const n = Number(m[2]);
      fields.set(m[1]!, line.trimEnd().endsWith('kB') ? n * 1024 : n);
    }
    return fields;
  };

  it('reads a real /proc/meminfo exactly as the line rule does', () => {
    const m = parseMeminfo(PROC_MEMINFO);
    expect(m).toEqual(byRegex(PROC_MEMINFO));
    expect(m.size).toBeGreaterThan(40);
  });

  it.each([
    ['MemTotal:       24684096 kB', 'MemTotal', 24684096 * 1024],
    ['HugePages_Total:       0', 'HugePages_Total', 0],
    ['Active(anon):     1556 kB  ', 'Active(anon)', 1556 * 1024],
    ['Tabbed:\t12\tkB\r', 'Tabbed', 12 * 1024],
    ['Big:  9007199254740993 kB', 'Big', Number('9007199254740993') * 1024],
  ])('keeps %j', (line, key, value) => {
    expect(parseMeminfo(`${line}\n`)).toEqual(new Map([[key, value]]));
    expect(parseMeminfo(line)).toEqual(byRegex(line));
  });

  it.each([
    ['no space after the colon', 'MemTotal:123 kB'],
    ['no digits', 'MemTotal:    kB'],
    ['a sign', 'MemTotal:   -5 kB'],
    ['a unit other than kB', 'MemTotal:   5 MB'],
    ['kB glued to the digits', 'MemTotal:   5kB'],
    ['text after kB', 'MemTotal:   5 kB x'],
    ['a second number', 'MemTotal:   5 6'],
    ['no name', ':   5 kB'],
    ['no colon', 'MemTotal   5 kB'],
    ['a blank line', ''],
  ])('skips a line with %s', (_why, line) => {
    expect(parseMeminfo(`${line}\nMemFree: 1 kB\n`)).toEqual(new Map([['MemFree', 1024]]));
    expect(parseMeminfo(line)).toEqual(byRegex(line));
  });
});
