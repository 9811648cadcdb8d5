import type { ResourceSummaryView } from '../contract.js';
import { isNum, isStr, listOf, optNum, optStr, readDetected } from './read-detected.js';
import { objectOf, sanitizeJson } from './sanitize-json.js';

const strings = (v: unknown) => Array.isArray(v) && v.every(isStr);

/**
 * Reads an agent's `resources.summary` (untrusted: any JSON up to the nodes plugin's 60,000
 * bytes): sanitized, then each part checked on its own, a malformed part replaced by an absent
 * one with the reason. Undefined when it is not a version-1 summary at all.
 */
export function readSummary(raw: unknown): ResourceSummaryView | undefined {
  const s = objectOf(sanitizeJson(raw));
  if (s?.v !== 1 || !isNum(s.at)) return undefined;
  const thermal = objectOf(s.thermal) ?? {};
  const storage = objectOf(s.storage) ?? {};
  const health = objectOf(s.health) ?? {};
  const view: ResourceSummaryView = {
    v: 1,
    at: s.at,
    intervalSeconds: isNum(s.intervalSeconds) ? s.intervalSeconds : 0,
    cpu: readDetected(s.cpu, (o) => isNum(o.busy) && isNum(o.max) && isNum(o.cores)),
    numa: readDetected(s.numa, (o) =>
      listOf(
        o.nodes,
        (n) =>
          isNum(n.node) &&
          isNum(n.cpus) &&
          optNum(n.busy) &&
          optNum(n.memTotalBytes) &&
          optNum(n.memUsedBytes),
      ),
    ),
    thermal: {
      sensors: readDetected(thermal.sensors, (o) => {
        const h = objectOf(o.hottest);
        return (
          isNum(o.count) &&
          !!h &&
          isStr(h.chip) &&
          optStr(h.label) &&
          isNum(h.celsius) &&
          optNum(h.maxCelsius) &&
          optNum(h.criticalCelsius)
        );
      }),
      throttle: readDetected(
        thermal.throttle,
        (o) => isNum(o.count) && optNum(o.throttledMs) && optNum(o.lastAt),
      ),
      frequency: readDetected(thermal.frequency, (o) => {
        const h = objectOf(o.heldDown);
        return (
          isNum(o.ratioMin) &&
          isNum(o.ratioMean) &&
          isNum(o.capped) &&
          !!h &&
          isNum(h.count) &&
          optNum(h.lastAt)
        );
      }),
      gpus: readDetected(thermal.gpus, (o) =>
        listOf(
          o.gpus,
          (g) =>
            isNum(g.index) &&
            optStr(g.name) &&
            optNum(g.temperatureCelsius) &&
            optNum(g.slowdownCelsius) &&
            strings(g.throttleReasons),
        ),
      ),
    },
    storage: {
      disks: readDetected(storage.disks, (o) =>
        listOf(
          o.list,
          (d) =>
            isStr(d.name) &&
            isNum(d.utilization) &&
            isNum(d.iops) &&
            isNum(d.readBytesPerSecond) &&
            isNum(d.writeBytesPerSecond) &&
            optNum(d.readAwaitMs) &&
            optNum(d.writeAwaitMs),
        ),
      ),
      filesystems: readDetected(storage.filesystems, (o) =>
        listOf(o.list, (f) => {
          const full = objectOf(f.full);
          return (
            isStr(f.mount) &&
            isStr(f.fstype) &&
            isNum(f.sizeBytes) &&
            isNum(f.availBytes) &&
            isNum(f.usedRatio) &&
            optNum(f.inodesUsedRatio) &&
            !!full &&
            (full.status === 'filling' || full.status === 'not-filling' || full.status === 'unknown') &&
            optNum(full.days) &&
            optNum(full.daysLow) &&
            optNum(full.daysHigh)
          );
        }),
      ),
    },
    health: {
      md: readDetected(health.md, (o) =>
        listOf(o.arrays, (a) => {
          const sync = a.sync === undefined ? {} : objectOf(a.sync);
          return (
            isStr(a.name) &&
            optStr(a.level) &&
            isStr(a.health) &&
            typeof a.degraded === 'boolean' &&
            strings(a.failed) &&
            !!sync &&
            (a.sync === undefined ||
              (isStr(sync.action) &&
                isStr(sync.state) &&
                optNum(sync.fraction) &&
                optNum(sync.speedBytesPerSecond) &&
                optNum(sync.etaSeconds)))
          );
        }),
      ),
      btrfs: readDetected(health.btrfs, (o) =>
        listOf(o.filesystems, (f) => isStr(f.uuid) && optStr(f.label) && isNum(f.totalErrors)),
      ),
      zfs: readDetected(health.zfs, (o) => listOf(o.pools, (p) => isStr(p.name) && isStr(p.health))),
      smart: readDetected(health.smart, (o) =>
        listOf(
          o.devices,
          (d) =>
            isStr(d.device) && (d.passed === undefined || typeof d.passed === 'boolean') && optStr(d.reason),
        ),
      ),
    },
  };
  const failed = objectOf(s.failed);
  if (failed)
    view.failed = Object.fromEntries(
      Object.entries(failed).filter((e): e is [string, string] => isStr(e[1])),
    );
  if (Array.isArray(s.truncated)) view.truncated = s.truncated.filter(isStr);
  return view;
}
