import { omegaError } from '@omega/protocol';
import { fitReport, type TrimmableList } from './fit-report.js';
import { NET_INTERFACES_TOPIC, type NetInterfacesReport } from './network/interfaces-report.js';
import type { ReporterHost } from './reporter-host.js';
import { createResourceMonitor, type ResourceMonitor } from './resource-monitor.js';
import { type ResourceOptions, resolveResourceOptions } from './resource-options.js';
import {
  DETAIL_SECTIONS,
  type DetailSection,
  RESOURCES_SUMMARY_TOPIC,
  type ResourceSummary,
} from './resource-report.js';

/** The running reporters. */
export interface ResourceReporters {
  readonly monitor: ResourceMonitor;
  /** Ends the interval now and sends both reports (also what the timer does). */
  reportNow(): Promise<void>;
  stop(): void;
}

const SUMMARY_LISTS: ReadonlyArray<TrimmableList<ResourceSummary>> = [
  {
    name: 'storage.filesystems',
    get: (s) => (s.storage.filesystems.available ? s.storage.filesystems.list : undefined),
  },
  { name: 'storage.disks', get: (s) => (s.storage.disks.available ? s.storage.disks.list : undefined) },
  { name: 'numa.nodes', get: (s) => (s.numa.available ? s.numa.nodes : undefined) },
  { name: 'thermal.gpus', get: (s) => (s.thermal.gpus.available ? s.thermal.gpus.gpus : undefined) },
  { name: 'health.md', get: (s) => (s.health.md.available ? s.health.md.arrays : undefined) },
  { name: 'health.smart', get: (s) => (s.health.smart.available ? s.health.smart.devices : undefined) },
];

const INTERFACE_LISTS: ReadonlyArray<TrimmableList<NetInterfacesReport>> = [
  { name: 'interfaces', get: (r) => r.interfaces },
];

/** Orders the summary's lists most telling first, so a report cut to size keeps what matters. */
function rank(s: ResourceSummary): ResourceSummary {
  if (s.storage.filesystems.available) s.storage.filesystems.list.sort((a, b) => b.usedRatio - a.usedRatio);
  if (s.storage.disks.available) s.storage.disks.list.sort((a, b) => b.utilization - a.utilization);
  return s;
}

/** Validates `resources.detail` arguments: `{ sections?: ('numa'|'thermal'|'storage'|'health')[] }`. */
function sectionsOf(args: unknown): DetailSection[] {
  if (args === undefined || args === null) return [];
  const list = (args as { sections?: unknown }).sections;
  if (typeof args !== 'object' || Array.isArray(args) || (list !== undefined && !Array.isArray(list)))
    throw omegaError('OMEGA_ERR_VALIDATION', 'resources.detail takes { sections?: string[] }.', {
      errors: [{ field: 'sections', message: `a list of ${DETAIL_SECTIONS.join(', ')}` }],
    });
  const out: DetailSection[] = [];
  for (const s of list ?? []) {
    if (!(DETAIL_SECTIONS as readonly unknown[]).includes(s))
      throw omegaError('OMEGA_ERR_VALIDATION', `Unknown section "${String(s).slice(0, 40)}".`, {
        errors: [{ field: 'sections', message: `each one of ${DETAIL_SECTIONS.join(', ')}` }],
      });
    out.push(s as DetailSection);
  }
  return out;
}

/**
 * Starts the resource reporters of docs/resources.md on an agent: the monitor's timers, a
 * `resources.summary` and a `net.interfaces` report every `reportEveryMs` (and at once, at most
 * every `changeMinGapMs`, when health or throttling changes), and the `resources.detail` op.
 */
export function startResourceReporters(host: ReporterHost, options: ResourceOptions = {}): ResourceReporters {
  const c = resolveResourceOptions(options);
  const monitor = createResourceMonitor(options, host.log);
  let lastDigest = '';
  let lastReportAt = 0;
  let reporting: Promise<void> | undefined;

  const reportNow = async () => {
    if (reporting) return reporting;
    reporting = (async () => {
      try {
        const { summary, interfaces } = await monitor.report();
        lastDigest = monitor.changeDigest();
        lastReportAt = Date.now();
        if (!host.connected()) return;
        host.report(RESOURCES_SUMMARY_TOPIC, fitReport(rank(summary), SUMMARY_LISTS));
        host.report(NET_INTERFACES_TOPIC, fitReport(interfaces, INTERFACE_LISTS));
      } catch (err) {
        host.log.warn({ err: (err as Error).message }, 'resource report not sent');
      } finally {
        reporting = undefined;
      }
    })();
    return reporting;
  };

  const afterSlow = () => {
    const digest = monitor.changeDigest();
    if (lastDigest !== '' && digest !== lastDigest && Date.now() - lastReportAt >= c.changeMinGapMs) {
      host.log.info({}, 'resource health changed; reporting at once');
      void reportNow();
    }
  };

  const stopMonitor = monitor.start(afterSlow);
  const timer = setInterval(() => void reportNow(), c.reportEveryMs);
  timer.unref();
  const undoDetail = host.ops.register('resources.detail', (args) => monitor.detail(sectionsOf(args)));
  return {
    monitor,
    reportNow,
    stop() {
      clearInterval(timer);
      undoDetail();
      stopMonitor();
    },
  };
}
