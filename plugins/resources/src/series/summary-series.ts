import type { ResourceSummaryView } from '../contract.js';

/** One sample for the metrics plugin: series name, labels (without `node`), value. */
export type Sample = [name: string, labels: Record<string, string>, value: number];

const bool = (b: boolean) => (b ? 1 : 0);

/**
 * The series one summary gives (docs/resources.md lists them with units): per NUMA node busy and
 * memory, the hottest sensor, throttling and frequency, GPUs held down (their temperature rides
 * on heartbeats already), per disk the iostat figures, per
 * filesystem space, inodes and days to full, per array / filesystem / pool / device its health.
 * Absent parts give no sample (absent is never 0).
 */
export function summarySeries(s: ResourceSummaryView): Sample[] {
  const out: Sample[] = [];
  const push = (name: string, labels: Record<string, string>, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) out.push([name, labels, v]);
  };
  if (s.numa.available)
    for (const n of s.numa.nodes) {
      const l = { numa: String(n.node) };
      push('numa.busy', l, n.busy);
      push('numa.memory_used', l, n.memUsedBytes);
      push('numa.memory_total', l, n.memTotalBytes);
    }
  const t = s.thermal;
  if (t.sensors.available) push('thermal.hottest', {}, t.sensors.hottest.celsius);
  if (t.throttle.available) push('thermal.throttles_1h', {}, t.throttle.count);
  if (t.frequency.available) {
    push('cpufreq.ratio_min', {}, t.frequency.ratioMin);
    push('cpufreq.held_down_1h', {}, t.frequency.heldDown.count);
  }
  if (t.gpus.available)
    for (const g of t.gpus.gpus) {
      const l = { gpu: String(g.index) };
      push(
        'gpu.throttled',
        l,
        bool(g.throttleReasons.some((r) => r !== 'gpu_idle' && r !== 'applications_clocks_setting')),
      );
    }
  if (s.storage.disks.available)
    for (const d of s.storage.disks.list) {
      const l = { device: d.name };
      push('disk.busy', l, Math.min(1, d.utilization));
      push('disk.iops', l, d.iops);
      push('disk.read_bytes', l, d.readBytesPerSecond);
      push('disk.write_bytes', l, d.writeBytesPerSecond);
      push('disk.read_await', l, d.readAwaitMs === undefined ? undefined : d.readAwaitMs / 1000);
      push('disk.write_await', l, d.writeAwaitMs === undefined ? undefined : d.writeAwaitMs / 1000);
    }
  if (s.storage.filesystems.available)
    for (const f of s.storage.filesystems.list) {
      const l = { mount: f.mount };
      push('fs.used_ratio', l, f.usedRatio);
      push('fs.avail', l, f.availBytes);
      push('fs.inodes_used_ratio', l, f.inodesUsedRatio);
      if (f.full.status === 'filling') push('fs.full_days', l, f.full.days);
    }
  const h = s.health;
  if (h.md.available)
    for (const a of h.md.arrays) {
      push('md.degraded', { array: a.name }, bool(a.degraded));
      if (a.sync?.state === 'running') push('md.sync_ratio', { array: a.name }, a.sync.fraction);
    }
  if (h.btrfs.available)
    for (const f of h.btrfs.filesystems) push('btrfs.errors', { fs: f.label ?? f.uuid }, f.totalErrors);
  if (h.zfs.available)
    for (const p of h.zfs.pools) push('zfs.healthy', { pool: p.name }, bool(p.health === 'ONLINE'));
  if (h.smart.available)
    for (const d of h.smart.devices)
      if (d.passed !== undefined) push('smart.passed', { device: d.device }, bool(d.passed));
  return out;
}
