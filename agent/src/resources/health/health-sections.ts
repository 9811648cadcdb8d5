import {
  absent,
  type BtrfsHealth,
  type MdHealth,
  present,
  type SmartHealth,
  type ZfsHealth,
} from '@omega/hostinfo';
import type { ResourceDetail, ResourceSummary } from '../resource-report.js';

/** What the health readers hold between reports (zfs and SMART with the time they were read). */
export interface HealthState {
  md: MdHealth;
  btrfs: BtrfsHealth;
  zfs: ZfsHealth & { readAt?: number };
  smart: SmartHealth & { readAt?: number };
}

/** The state before the first reading of each source. */
export function initialHealth(): HealthState {
  const pending = absent('not read yet: the first reading comes within the slow cadence');
  return { md: pending, btrfs: pending, zfs: pending, smart: pending };
}

/** The health part of the detail (as read). */
export function healthDetail(h: HealthState): NonNullable<ResourceDetail['health']> {
  return { md: h.md, btrfs: h.btrfs, zfs: h.zfs, smart: h.smart };
}

/** The health part of the summary: per array, filesystem, pool and device, the state only. */
export function healthSummary(h: HealthState): ResourceSummary['health'] {
  return {
    md: h.md.available
      ? present({
          arrays: h.md.arrays.map((a) => ({
            name: a.name,
            ...(a.level !== undefined ? { level: a.level } : {}),
            health: a.health,
            degraded: a.degraded,
            failed: a.failedMembers,
            ...(a.sync
              ? {
                  sync: {
                    action: a.sync.action,
                    state: a.sync.state,
                    ...(a.sync.fraction !== undefined
                      ? { fraction: Math.round(a.sync.fraction * 1e4) / 1e4 }
                      : {}),
                    ...(a.sync.speedBytesPerSecond !== undefined
                      ? { speedBytesPerSecond: a.sync.speedBytesPerSecond }
                      : {}),
                    ...(a.sync.etaSeconds !== undefined ? { etaSeconds: a.sync.etaSeconds } : {}),
                  },
                }
              : {}),
          })),
        })
      : h.md,
    btrfs: h.btrfs.available
      ? present({
          filesystems: h.btrfs.filesystems.map((f) => ({
            uuid: f.uuid,
            ...(f.label !== undefined ? { label: f.label } : {}),
            totalErrors: f.totalErrors,
          })),
        })
      : h.btrfs,
    zfs: h.zfs.available
      ? present({ pools: h.zfs.pools.map((p) => ({ name: p.name, health: p.health })) })
      : h.zfs,
    smart: h.smart.available
      ? present({
          devices: h.smart.devices.map((d) =>
            d.available
              ? { device: d.device, ...(d.passed !== undefined ? { passed: d.passed } : {}) }
              : { device: d.device, reason: d.reason },
          ),
        })
      : h.smart,
  };
}
