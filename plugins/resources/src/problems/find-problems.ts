import { isoTime } from '@omega/sdk';
import type { ProblemKind, ResourceSummaryView, Severity } from '../contract.js';
import type { Thresholds } from '../settings/settings.js';

/** A problem as found in one summary (the tracker adds since when it holds). */
export interface FoundProblem {
  kind: ProblemKind;
  subject: string;
  severity: Severity;
  message: string;
}

const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
const days = (d: number) => (d < 1 ? `${Math.round(d * 24 * 10) / 10} h` : `${Math.round(d * 10) / 10} days`);
const mb = (bps: number) => `${Math.round(bps / 1e5) / 10} MB/s`;

/** GPU clock reasons that are not a problem (idle, or a clock the operator chose). */
const BENIGN_GPU = new Set(['gpu_idle', 'applications_clocks_setting']);

function thermalProblems(s: ResourceSummaryView, t: Thresholds, out: FoundProblem[]): void {
  const th = s.thermal;
  if (th.throttle.available && th.throttle.count > 0)
    out.push({
      kind: 'throttling',
      subject: 'cpu',
      severity: 'warning',
      message: `throttled ${th.throttle.count} times in the last hour${th.throttle.lastAt ? `, last at ${isoTime(th.throttle.lastAt)}` : ''}${th.throttle.throttledMs ? ` (${Math.round(th.throttle.throttledMs / 100) / 10} s in all)` : ''}`,
    });
  if (th.frequency.available && th.frequency.heldDown.count > 0)
    out.push({
      kind: 'held-down',
      subject: 'cpu',
      severity: 'warning',
      message: `busy CPUs held below their maximum frequency ${th.frequency.heldDown.count} times in the last hour${th.frequency.heldDown.lastAt ? `, last at ${isoTime(th.frequency.heldDown.lastAt)}` : ''} (lowest ${pct(th.frequency.ratioMin)} of maximum)`,
    });
  if (th.sensors.available) {
    const h = th.sensors.hottest;
    const label = `${h.chip}${h.label ? ` ${h.label}` : ''}`;
    const crit = h.criticalCelsius;
    if (crit !== undefined && h.celsius >= crit)
      out.push({
        kind: 'hot',
        subject: label,
        severity: 'critical',
        message: `${label} at ${h.celsius} °C, at or past its critical ${crit} °C`,
      });
    else if (
      (crit !== undefined && h.celsius >= crit - t.hotMarginCelsius) ||
      (h.maxCelsius !== undefined && h.celsius >= h.maxCelsius)
    )
      out.push({
        kind: 'hot',
        subject: label,
        severity: 'warning',
        message: `${label} at ${h.celsius} °C (max ${h.maxCelsius ?? '–'} °C, critical ${crit ?? '–'} °C)`,
      });
  }
  if (th.gpus.available)
    for (const g of th.gpus.gpus) {
      const reasons = g.throttleReasons.filter((r) => !BENIGN_GPU.has(r));
      if (reasons.length === 0) continue;
      out.push({
        kind: 'gpu-throttled',
        subject: `gpu${g.index}`,
        severity: reasons.some((r) => r.startsWith('hw_')) ? 'critical' : 'warning',
        message: `GPU ${g.index}${g.name ? ` (${g.name})` : ''} clocks held down: ${reasons.join(', ')}${g.temperatureCelsius !== undefined ? ` at ${g.temperatureCelsius} °C` : ''}`,
      });
    }
}

function storageProblems(s: ResourceSummaryView, t: Thresholds, out: FoundProblem[]): void {
  const st = s.storage;
  if (st.filesystems.available)
    for (const f of st.filesystems.list) {
      if (f.usedRatio >= t.fsUsedWarn)
        out.push({
          kind: 'fs-full',
          subject: f.mount,
          severity: f.usedRatio >= t.fsUsedCritical ? 'critical' : 'warning',
          message: `${f.mount} is ${pct(f.usedRatio)} full`,
        });
      const full = f.full;
      if (
        full.status === 'filling' &&
        full.days !== undefined &&
        full.daysHigh !== undefined &&
        full.daysLow !== undefined
      ) {
        if (full.daysHigh <= t.fullWarnDays)
          out.push({
            kind: 'fs-filling',
            subject: f.mount,
            severity: full.daysHigh <= t.fullCriticalDays ? 'critical' : 'warning',
            message: `${f.mount} full in ${days(full.days)} (95 %: ${days(full.daysLow)} – ${days(full.daysHigh)})`,
          });
      }
      if (f.inodesUsedRatio !== undefined && f.inodesUsedRatio >= t.inodesWarn)
        out.push({
          kind: 'inodes-full',
          subject: f.mount,
          severity: f.inodesUsedRatio >= t.fsUsedCritical ? 'critical' : 'warning',
          message: `${f.mount} uses ${pct(f.inodesUsedRatio)} of its inodes`,
        });
    }
  if (st.disks.available)
    for (const d of st.disks.list)
      if (d.utilization >= t.diskBusyWarn)
        out.push({
          kind: 'disk-busy',
          subject: d.name,
          severity: 'info',
          message: `${d.name} busy ${pct(Math.min(1, d.utilization))} of the interval${d.writeAwaitMs !== undefined ? `, writes wait ${d.writeAwaitMs} ms` : ''}`,
        });
}

function healthProblems(s: ResourceSummaryView, out: FoundProblem[]): void {
  const h = s.health;
  if (h.md.available)
    for (const a of h.md.arrays) {
      if (a.degraded)
        out.push({
          kind: 'md-degraded',
          subject: a.name,
          severity: 'critical',
          message: `${a.name}${a.level ? ` (${a.level})` : ''} is degraded${a.failed.length > 0 ? `: ${a.failed.join(', ')} failed` : ''}`,
        });
      if (a.sync && a.sync.state === 'running')
        out.push({
          kind: 'md-syncing',
          subject: a.name,
          severity: a.degraded ? 'warning' : 'info',
          message:
            `${a.name} ${a.sync.action} ${a.sync.fraction !== undefined ? pct(a.sync.fraction) : ''}${a.sync.speedBytesPerSecond !== undefined ? ` at ${mb(a.sync.speedBytesPerSecond)}` : ''}${a.sync.etaSeconds !== undefined ? `, about ${Math.round(a.sync.etaSeconds / 60)} min left` : ''}`.replace(
              /\s+/g,
              ' ',
            ),
        });
    }
  if (h.btrfs.available)
    for (const f of h.btrfs.filesystems)
      if (f.totalErrors > 0)
        out.push({
          kind: 'btrfs-errors',
          subject: f.label ?? f.uuid,
          severity: 'critical',
          message: `btrfs ${f.label ?? f.uuid} has ${f.totalErrors} device errors`,
        });
  if (h.zfs.available)
    for (const p of h.zfs.pools)
      if (p.health !== 'ONLINE')
        out.push({
          kind: 'zfs-unhealthy',
          subject: p.name,
          severity: 'critical',
          message: `ZFS pool ${p.name} is ${p.health}`,
        });
  if (h.smart.available)
    for (const d of h.smart.devices)
      if (d.passed === false)
        out.push({
          kind: 'smart-failing',
          subject: d.device,
          severity: 'critical',
          message: `${d.device} fails its SMART self-assessment`,
        });
}

/**
 * The problems one summary shows, judged against `t`. Pure. Each has a kind and a subject
 * (its identity while it lasts), a severity and a message an operator can act on.
 */
export function findProblems(s: ResourceSummaryView, t: Thresholds): FoundProblem[] {
  const out: FoundProblem[] = [];
  thermalProblems(s, t, out);
  storageProblems(s, t, out);
  healthProblems(s, out);
  return out;
}
