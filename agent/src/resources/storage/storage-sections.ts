import { absent, type Detected, type FilesystemUsage, present } from '@omega/hostinfo';
import type { FilesystemDetail, FullSummary, ResourceDetail, ResourceSummary } from '../resource-report.js';
import type { IntervalFigures } from '../sampling/interval-figures.js';
import type { UsageHistory } from './usage-history.js';

/** The key a filesystem's usage history is kept under (a new device on the mount starts afresh). */
export const usageKey = (fs: Pick<FilesystemUsage, 'mount' | 'device'>) => `${fs.mount}\u0000${fs.device}`;

const r4 = (n: number) => Math.round(n * 1e4) / 1e4;
/** Three significant digits: a fill due in minutes keeps its figure (never rounded to 0 days). */
const sig3 = (n: number) => Number(n.toPrecision(3));

/** One filesystem with its inodes and its "full in N days". */
export function filesystemDetail(fs: FilesystemUsage, history: UsageHistory): FilesystemDetail {
  const denom = fs.usedBytes + fs.availBytes;
  const files = fs.files ?? 0;
  const free = fs.filesFree ?? 0;
  return {
    mount: fs.mount,
    device: fs.device,
    fstype: fs.fstype,
    readOnly: fs.readOnly,
    sizeBytes: fs.sizeBytes,
    usedBytes: fs.usedBytes,
    freeBytes: fs.freeBytes,
    availBytes: fs.availBytes,
    usedRatio: denom > 0 ? r4(fs.usedBytes / denom) : 0,
    inodes:
      files > 0
        ? present({ total: files, free, used: files - free, usedRatio: r4((files - free) / files) })
        : absent('the filesystem reports no inode count (dynamic inodes, e.g. btrfs)'),
    full: history.estimate(usageKey(fs), fs.sizeBytes),
  };
}

/** Why disks are absent this interval. */
function disksAbsent(f: IntervalFigures | undefined): string {
  if (!f) return 'no interval measured yet: disk figures come with the next report';
  const ds = Object.entries(f.failed).find(([k]) => k.endsWith('/diskstats'));
  return ds ? `cannot read ${ds[0]}: ${ds[1]}` : 'no reading of /proc/diskstats in the interval';
}

/** The storage part of the detail. */
export function storageDetail(
  f: IntervalFigures | undefined,
  filesystems: Detected<{ list: FilesystemUsage[] }>,
  history: UsageHistory,
): NonNullable<ResourceDetail['storage']> {
  const disks: NonNullable<ResourceDetail['storage']>['disks'] = f?.disks
    ? present({ intervalSeconds: Math.round((f.to - f.from) / 1000), devices: f.disks })
    : absent(disksAbsent(f));
  const fs: NonNullable<ResourceDetail['storage']>['filesystems'] = filesystems.available
    ? present({ list: filesystems.list.map((x) => filesystemDetail(x, history)) })
    : filesystems;
  return { disks, filesystems: fs };
}

const fullSummary = (d: FilesystemDetail['full']): FullSummary =>
  d.status === 'filling'
    ? { status: d.status, days: sig3(d.days), daysLow: sig3(d.daysLow), daysHigh: sig3(d.daysHigh) }
    : { status: d.status };

/** The storage part of the summary. */
export function storageSummary(
  f: IntervalFigures | undefined,
  filesystems: Detected<{ list: FilesystemUsage[] }>,
  history: UsageHistory,
): ResourceSummary['storage'] {
  const d = storageDetail(f, filesystems, history);
  return {
    disks: d.disks.available
      ? present({
          list: d.disks.devices.map((x) => ({
            name: x.name,
            utilization: x.utilization,
            iops: Math.round((x.readsPerSecond + x.writesPerSecond) * 100) / 100,
            readBytesPerSecond: x.readBytesPerSecond,
            writeBytesPerSecond: x.writeBytesPerSecond,
            ...(x.readAwaitMs !== undefined ? { readAwaitMs: x.readAwaitMs } : {}),
            ...(x.writeAwaitMs !== undefined ? { writeAwaitMs: x.writeAwaitMs } : {}),
          })),
        })
      : d.disks,
    filesystems: d.filesystems.available
      ? present({
          list: d.filesystems.list.map((x) => ({
            mount: x.mount,
            fstype: x.fstype,
            sizeBytes: x.sizeBytes,
            availBytes: x.availBytes,
            usedRatio: x.usedRatio,
            ...(x.inodes.available ? { inodesUsedRatio: x.inodes.usedRatio } : {}),
            full: fullSummary(x.full),
          })),
        })
      : d.filesystems,
  };
}
